<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>Autostart</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>Impossibile rimuovere %1.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossibile scrivere %1: %2</translation>
    </message>
</context>
<context>
    <name>PortOwner</name>
    <message>
        <source>Port %1 is in use by %2 (process %3).</source>
        <translation>La porta %1 è usata da %2 (processo %3).</translation>
    </message>
    <message>
        <source>Port %1 is in use by another program.</source>
        <translation>La porta %1 è usata da un altro programma.</translation>
    </message>
</context>
<context>
    <name>StoreErrorText</name>
    <message>
        <source>Enter a name for the key.</source>
        <translation>Inserisci un nome per la chiave.</translation>
    </message>
    <message>
        <source>Enter a name for the group.</source>
        <translation>Inserisci un nome per il gruppo.</translation>
    </message>
    <message>
        <source>Enter a name for the route.</source>
        <translation>Inserisci un nome per la route.</translation>
    </message>
    <message>
        <source>The name is not valid text. Type it again.</source>
        <translation>Il nome non è un testo valido. Digitalo di nuovo.</translation>
    </message>
    <message>
        <source>The name is too long: %1 characters, at most %2.</source>
        <translation>Il nome è troppo lungo: %1 caratteri, al massimo %2.</translation>
    </message>
    <message>
        <source>The name cannot contain control characters or line breaks.</source>
        <translation>Il nome non può contenere caratteri di controllo né interruzioni di riga.</translation>
    </message>
    <message>
        <source>The name contains an API key. Names are shown in lists and logs: choose a name without the key.</source>
        <translation>Il nome contiene una chiave API. I nomi compaiono negli elenchi e nei log: scegli un nome senza la chiave.</translation>
    </message>
    <message>
        <source>A key named “%1” already exists.</source>
        <translation>Esiste già una chiave di nome «%1».</translation>
    </message>
    <message>
        <source>A group named “%1” already exists.</source>
        <translation>Esiste già un gruppo di nome «%1».</translation>
    </message>
    <message>
        <source>No key with UUID or name “%1”: it may have been deleted meanwhile.</source>
        <translation>Nessuna chiave con UUID o nome «%1»: potrebbe essere stata eliminata nel frattempo.</translation>
    </message>
    <message>
        <source>No group with UUID or name “%1”: it may have been deleted meanwhile.</source>
        <translation>Nessun gruppo con UUID o nome «%1»: potrebbe essere stato eliminato nel frattempo.</translation>
    </message>
    <message>
        <source>No key with that UUID or name. The value looks like an API key itself: refer to a key by its UUID or name.</source>
        <translation>Nessuna chiave con quell&apos;UUID o nome. Il valore sembra una chiave API: indica una chiave con il suo UUID o nome.</translation>
    </message>
    <message>
        <source>No group with that UUID or name (the value looks like an API key).</source>
        <translation>Nessun gruppo con quell&apos;UUID o nome (il valore sembra una chiave API).</translation>
    </message>
    <message>
        <source>The key “%1” is not in the group “%2”.</source>
        <translation>La chiave «%1» non fa parte del gruppo «%2».</translation>
    </message>
    <message>
        <source>The group “%1” does not grant the route “%2”.</source>
        <translation>Il gruppo «%1» non concede la route «%2».</translation>
    </message>
    <message>
        <source>The system&apos;s random number generator failed, so no key was created. Try again.</source>
        <translation>Il generatore di numeri casuali del sistema non ha funzionato, quindi nessuna chiave è stata creata. Riprova.</translation>
    </message>
    <message>
        <source>The budget “%1” is not valid: enter an amount in USD of at least 0.</source>
        <translation>Il budget «%1» non è valido: inserisci un importo in USD pari almeno a 0.</translation>
    </message>
    <message>
        <source>The limit “%1” is not valid: enter a whole number of at least 1.</source>
        <translation>Il limite «%1» non è valido: inserisci un numero intero pari almeno a 1.</translation>
    </message>
    <message>
        <source>“%1” is not an IP address or CIDR range, such as 192.168.1.0/24 or 2001:db8::/32.</source>
        <translation>«%1» non è un indirizzo IP né un intervallo CIDR, come 192.168.1.0/24 o 2001:db8::/32.</translation>
    </message>
    <message>
        <source>The grace period “%1” is not valid: it must be 0 or more.</source>
        <translation>Il periodo di tolleranza «%1» non è valido: deve essere 0 o più.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Portico: API keys, groups and routes, with a local OpenAI-compatible gateway.</source>
        <translation>Portico: chiavi API, gruppi e route, con un gateway locale compatibile con OpenAI.</translation>
    </message>
    <message>
        <source>The config.yaml to use (env PORTICO_CONFIG).</source>
        <translation>Il config.yaml da usare (variabile PORTICO_CONFIG).</translation>
    </message>
    <message>
        <source>Where the gateway listens (env PORTICO_LISTEN; default 127.0.0.1:8000).</source>
        <translation>Indirizzo su cui il gateway è in ascolto (variabile PORTICO_LISTEN; predefinito 127.0.0.1:8000).</translation>
    </message>
    <message>
        <source>Do not start the embedded gateway.</source>
        <translation>Non avviare il gateway integrato.</translation>
    </message>
    <message>
        <source>Portico</source>
        <translation>Portico</translation>
    </message>
    <message>
        <source>Cannot open the store %1:
%2</source>
        <translation>Impossibile aprire il database %1:
%2</translation>
    </message>
    <message>
        <source>--listen %1 is not HOST:PORT: %2</source>
        <translation>--listen %1 non è nella forma HOST:PORTA: %2</translation>
    </message>
    <message>
        <source>%1 does not load: %2</source>
        <translation>%1 non si carica: %2</translation>
    </message>
    <message>
        <source>The store: an SQLite file or a PostgreSQL URI (env PORTICO_DB; default: the last one opened, else %1).</source>
        <translation>Il database: un file SQLite o un URI PostgreSQL (variabile PORTICO_DB; predefinito: l&apos;ultimo aperto, altrimenti %1).</translation>
    </message>
    <message>
        <source>Start in the tray, without the window (when the desktop has a tray; start at login uses it).</source>
        <translation>Avvia nell&apos;area di notifica, senza la finestra (se il desktop ha un&apos;area di notifica; l&apos;avvio all&apos;accesso usa questa opzione).</translation>
    </message>
</context>
<context>
    <name>portico::app::DesktopController</name>
    <message>
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <source>The new language shows after Portico restarts.</source>
        <translation>La nuova lingua compare al riavvio di Portico.</translation>
    </message>
</context>
<context>
    <name>portico::app::StoreOpener</name>
    <message>
        <source>The system keychain did not save the password: it is kept for this session only.</source>
        <translation>Il portachiavi di sistema non ha salvato la password: vale solo per questa sessione.</translation>
    </message>
</context>
<context>
    <name>portico::ui::AddToGroupDialog</name>
    <message>
        <source>Add to Group</source>
        <translation>Aggiungi al gruppo</translation>
    </message>
    <message>
        <source>Choose a group for “%1”. The key gains access to every route the group grants.</source>
        <translation>Scegli un gruppo per «%1». La chiave avrà accesso a tutte le route concesse dal gruppo.</translation>
    </message>
    <message>
        <source>Search groups</source>
        <translation>Cerca gruppi</translation>
    </message>
    <message>
        <source>The key is already in every group. Create a new group on the Groups page.</source>
        <translation>La chiave fa già parte di tutti i gruppi. Crea un nuovo gruppo nella pagina Gruppi.</translation>
    </message>
    <message>
        <source>No group matches the search.</source>
        <translation>Nessun gruppo corrisponde alla ricerca.</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Conferma</translation>
    </message>
    <message>
        <source>This group grants no route yet.</source>
        <translation>Questo gruppo non concede ancora nessuna route.</translation>
    </message>
    <message>
        <source>Routes this group grants: %1</source>
        <translation>Route concesse da questo gruppo: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::AllowedAddressesDialog</name>
    <message>
        <source>Allowed Addresses</source>
        <translation>Indirizzi consentiti</translation>
    </message>
    <message>
        <source>Client addresses the key “%1” may be used from: IP addresses or CIDR ranges, IPv4 or IPv6, one per line or separated by commas. Leave it empty to allow any address. Requests from elsewhere get 403.</source>
        <translation>Indirizzi dei client da cui si può usare la chiave «%1»: indirizzi IP o intervalli CIDR, IPv4 o IPv6, uno per riga o separati da virgole. Lascia vuoto per consentire qualsiasi indirizzo. Le richieste da altri indirizzi ricevono 403.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
</context>
<context>
    <name>portico::ui::AuditPage</name>
    <message>
        <source>Audit</source>
        <translation>Registro attività</translation>
    </message>
    <message>
        <source>Every change to keys and groups, from this window or the command line: who made it, and what changed.</source>
        <translation>Ogni modifica a chiavi e gruppi, da questa finestra o dalla riga di comando: chi l&apos;ha fatta e cosa è cambiato.</translation>
    </message>
    <message>
        <source>All keys</source>
        <translation>Tutte le chiavi</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Tutti i gruppi</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Tutte le azioni</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Ultima ora</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Ultime 24 ore</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Ultimi 7 giorni</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Ultimi 30 giorni</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Sempre</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <source>Could not read the audit trail: %1</source>
        <translation>Impossibile leggere il registro attività: %1</translation>
    </message>
    <message>
        <source>No change matches these filters.</source>
        <translation>Nessuna modifica corrisponde a questi filtri.</translation>
    </message>
    <message>
        <source>No changes yet. Creating, renaming or deleting a key or a group adds a line here.</source>
        <translation>Ancora nessuna modifica. Creare, rinominare o eliminare una chiave o un gruppo aggiunge una riga qui.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Caricamento…</translation>
    </message>
    <message>
        <source>Changes shown: %1 (scroll for more)</source>
        <translation>Modifiche mostrate: %1 (scorri per vederne altre)</translation>
    </message>
    <message>
        <source>Changes shown: %1</source>
        <translation>Modifiche mostrate: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>Ora</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utente</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origine</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Azione</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Oggetto</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Modifiche</translation>
    </message>
</context>
<context>
    <name>portico::ui::AuditText</name>
    <message>
        <source>Every key change</source>
        <translation>Ogni modifica alle chiavi</translation>
    </message>
    <message>
        <source>Every group change</source>
        <translation>Ogni modifica ai gruppi</translation>
    </message>
    <message>
        <source>Created key</source>
        <translation>Chiave creata</translation>
    </message>
    <message>
        <source>Renamed key</source>
        <translation>Chiave rinominata</translation>
    </message>
    <message>
        <source>Enabled key</source>
        <translation>Chiave attivata</translation>
    </message>
    <message>
        <source>Disabled key</source>
        <translation>Chiave disattivata</translation>
    </message>
    <message>
        <source>Changed expiry</source>
        <translation>Scadenza modificata</translation>
    </message>
    <message>
        <source>Added to group</source>
        <translation>Aggiunta al gruppo</translation>
    </message>
    <message>
        <source>Removed from group</source>
        <translation>Rimossa dal gruppo</translation>
    </message>
    <message>
        <source>Rotated secret</source>
        <translation>Segreto ruotato</translation>
    </message>
    <message>
        <source>Ended grace period</source>
        <translation>Periodo di tolleranza terminato</translation>
    </message>
    <message>
        <source>Changed key limits</source>
        <translation>Limiti della chiave modificati</translation>
    </message>
    <message>
        <source>Changed allowed addresses</source>
        <translation>Indirizzi consentiti modificati</translation>
    </message>
    <message>
        <source>Deleted key</source>
        <translation>Chiave eliminata</translation>
    </message>
    <message>
        <source>Created group</source>
        <translation>Gruppo creato</translation>
    </message>
    <message>
        <source>Renamed group</source>
        <translation>Gruppo rinominato</translation>
    </message>
    <message>
        <source>Changed description</source>
        <translation>Descrizione modificata</translation>
    </message>
    <message>
        <source>Granted route</source>
        <translation>Route concessa</translation>
    </message>
    <message>
        <source>Revoked route</source>
        <translation>Route revocata</translation>
    </message>
    <message>
        <source>Changed group limits</source>
        <translation>Limiti del gruppo modificati</translation>
    </message>
    <message>
        <source>Deleted group</source>
        <translation>Gruppo eliminato</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Finestra</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>Riga di comando</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Sconosciuta</translation>
    </message>
    <message>
        <source>never</source>
        <translation>mai</translation>
    </message>
    <message>
        <source>any address</source>
        <translation>qualsiasi indirizzo</translation>
    </message>
    <message>
        <source>none</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sì</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Scadenza</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppi</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppo</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Chiavi</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descrizione</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limiti</translation>
    </message>
    <message>
        <source>Allowed addresses</source>
        <translation>Indirizzi consentiti</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Segreto</translation>
    </message>
    <message>
        <source>Old secret valid until</source>
        <translation>Vecchio segreto valido fino a</translation>
    </message>
    <message>
        <source>Grace period (s)</source>
        <translation>Periodo di tolleranza (s)</translation>
    </message>
    <message>
        <source>Ended the grace of</source>
        <translation>Tolleranza terminata per</translation>
    </message>
</context>
<context>
    <name>portico::ui::ChangeExpiryDialog</name>
    <message>
        <source>Change Expiry</source>
        <translation>Cambia scadenza</translation>
    </message>
    <message>
        <source>When should the key “%1” stop working?</source>
        <translation>Quando deve smettere di funzionare la chiave «%1»?</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
</context>
<context>
    <name>portico::ui::CreateKeyDialog</name>
    <message>
        <source>Create Key</source>
        <translation>Crea chiave</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nome</translation>
    </message>
    <message>
        <source>e.g. Production App Key</source>
        <translation>ad es. Chiave app di produzione</translation>
    </message>
    <message>
        <source>&amp;Groups (optional)</source>
        <translation>&amp;Gruppi (facoltativi)</translation>
    </message>
    <message>
        <source>The key can use every route granted by the groups it belongs to. You can add it to groups later.</source>
        <translation>La chiave può usare tutte le route concesse dai gruppi di cui fa parte. Puoi aggiungerla ai gruppi anche in seguito.</translation>
    </message>
    <message>
        <source>Grants no route yet</source>
        <translation>Non concede ancora nessuna route</translation>
    </message>
    <message>
        <source>Grants: %1</source>
        <translation>Concede: %1</translation>
    </message>
    <message>
        <source>Groups (optional)</source>
        <translation>Gruppi (facoltativi)</translation>
    </message>
    <message>
        <source>There are no groups yet. Create one on the Groups page, then add the key to it from the key&apos;s details.</source>
        <translation>Non ci sono ancora gruppi. Creane uno nella pagina Gruppi, poi aggiungi la chiave dai dettagli della chiave.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Crea</translation>
    </message>
    <message>
        <source>A name is required.</source>
        <translation>Il nome è obbligatorio.</translation>
    </message>
    <message>
        <source>&amp;Expires</source>
        <translation>&amp;Scadenza</translation>
    </message>
</context>
<context>
    <name>portico::ui::DashboardPage</name>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Requests over time</source>
        <translation>Richieste nel tempo</translation>
    </message>
    <message>
        <source>Cost over time (USD)</source>
        <translation>Costo nel tempo (USD)</translation>
    </message>
    <message>
        <source>Requests by status</source>
        <translation>Richieste per stato</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Chiave</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>Costo (USD)</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Richieste</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errori</translation>
    </message>
    <message>
        <source>Top keys by cost</source>
        <translation>Chiavi con il costo più alto</translation>
    </message>
    <message>
        <source>Top routes by requests</source>
        <translation>Route con più richieste</translation>
    </message>
    <message>
        <source>Prompt tokens</source>
        <translation>Token del prompt</translation>
    </message>
    <message>
        <source>Completion tokens</source>
        <translation>Token della risposta</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Caricamento…</translation>
    </message>
    <message>
        <source>Could not read usage: %1</source>
        <translation>Impossibile leggere i dati di utilizzo: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) expire within %1 days</source>
        <translation>
            <numerusform>%n chiave scade entro %1 giorni</numerusform>
            <numerusform>%n chiavi scadono entro %1 giorni</numerusform>
        </translation>
    </message>
    <message>
        <source>Show the Keys page: the Expires column flags them.</source>
        <translation>Mostra la pagina Chiavi: la colonna Scadenza le segnala.</translation>
    </message>
</context>
<context>
    <name>portico::ui::ExpiryChooser</name>
    <message>
        <source>Never</source>
        <translation>Mai</translation>
    </message>
    <message>
        <source>In 7 days</source>
        <translation>Tra 7 giorni</translation>
    </message>
    <message>
        <source>In 30 days</source>
        <translation>Tra 30 giorni</translation>
    </message>
    <message>
        <source>In 90 days</source>
        <translation>Tra 90 giorni</translation>
    </message>
    <message>
        <source>In 1 year</source>
        <translation>Tra 1 anno</translation>
    </message>
    <message>
        <source>On a date…</source>
        <translation>In una data…</translation>
    </message>
    <message>
        <source>Expiry date and time</source>
        <translation>Data e ora di scadenza</translation>
    </message>
    <message>
        <source>Choose a date and time in the future.</source>
        <translation>Scegli una data e un&apos;ora future.</translation>
    </message>
    <message>
        <source>The key never expires.</source>
        <translation>La chiave non scade mai.</translation>
    </message>
    <message>
        <source>The key will expire on %1; requests with it are refused from then on.</source>
        <translation>La chiave scadrà il %1; da allora le richieste con essa saranno rifiutate.</translation>
    </message>
</context>
<context>
    <name>portico::ui::ExpiryText</name>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>tra %n giorno</numerusform>
            <numerusform>tra %n giorni</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n hour(s)</source>
        <translation>
            <numerusform>tra %n ora</numerusform>
            <numerusform>tra %n ore</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n minute(s)</source>
        <translation>
            <numerusform>tra %n minuto</numerusform>
            <numerusform>tra %n minuti</numerusform>
        </translation>
    </message>
    <message>
        <source>in less than a minute</source>
        <translation>tra meno di un minuto</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Mai</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Scaduta</translation>
    </message>
    <message>
        <source>Expired on %1: requests with this key are refused</source>
        <translation>Scaduta il %1: le richieste con questa chiave sono rifiutate</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>portico::ui::GroupsPage</name>
    <message>
        <source>Groups</source>
        <translation>Gruppi</translation>
    </message>
    <message>
        <source>A group gives every key in it access to the routes it grants.</source>
        <translation>Un gruppo dà a tutte le sue chiavi l&apos;accesso alle route che concede.</translation>
    </message>
    <message>
        <source>New group name</source>
        <translation>Nome del nuovo gruppo</translation>
    </message>
    <message>
        <source>Description (optional)</source>
        <translation>Descrizione (facoltativa)</translation>
    </message>
    <message>
        <source>Description of the new group</source>
        <translation>Descrizione del nuovo gruppo</translation>
    </message>
    <message>
        <source>Create Group</source>
        <translation>Crea gruppo</translation>
    </message>
    <message>
        <source>Group Name</source>
        <translation>Nome gruppo</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descrizione</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membri</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Creation Date</source>
        <translation>Data di creazione</translation>
    </message>
    <message>
        <source>No groups yet.

Type a name above and click Create Group, then tick the routes the group grants and add keys to it.</source>
        <translation>Non ci sono ancora gruppi.

Scrivi un nome qui sopra e fai clic su Crea gruppo, poi spunta le route che il gruppo concede e aggiungi le chiavi.</translation>
    </message>
    <message>
        <source>Select a group to see its members and the routes it grants.</source>
        <translation>Seleziona un gruppo per vederne i membri e le route che concede.</translation>
    </message>
    <message>
        <source>General Information</source>
        <translation>Informazioni generali</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nome:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Descrizione:</translation>
    </message>
    <message>
        <source>UUID:</source>
        <translation>UUID:</translation>
    </message>
    <message>
        <source>Creation Date:</source>
        <translation>Data di creazione:</translation>
    </message>
    <message>
        <source>Save Changes</source>
        <translation>Salva modifiche</translation>
    </message>
    <message>
        <source>Delete Group…</source>
        <translation>Elimina gruppo…</translation>
    </message>
    <message>
        <source>Member Keys</source>
        <translation>Chiavi del gruppo</translation>
    </message>
    <message>
        <source>Key Name</source>
        <translation>Nome chiave</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Key UUID</source>
        <translation>UUID chiave</translation>
    </message>
    <message>
        <source>Key to add</source>
        <translation>Chiave da aggiungere</translation>
    </message>
    <message>
        <source>Add Key</source>
        <translation>Aggiungi chiave</translation>
    </message>
    <message>
        <source>Remove from Group</source>
        <translation>Rimuovi dal gruppo</translation>
    </message>
    <message>
        <source>Granted Routes</source>
        <translation>Route concesse</translation>
    </message>
    <message>
        <source>Every key in this group can call the checked routes of config.yaml.</source>
        <translation>Tutte le chiavi di questo gruppo possono chiamare le route di config.yaml spuntate.</translation>
    </message>
    <message>
        <source>Could not read the groups: %1</source>
        <translation>Impossibile leggere i gruppi: %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Attiva</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Disattivata</translation>
    </message>
    <message>
        <source>No keys yet</source>
        <translation>Ancora nessuna chiave</translation>
    </message>
    <message>
        <source>Every key is in this group</source>
        <translation>Tutte le chiavi sono già in questo gruppo</translation>
    </message>
    <message>
        <source>%1 — missing from config.yaml</source>
        <translation>%1 — assente da config.yaml</translation>
    </message>
    <message>
        <source>This group still grants “%1”, but config.yaml no longer defines it: requests to it fail until the route is back. Untick it to drop the grant.</source>
        <translation>Questo gruppo concede ancora «%1», ma config.yaml non la definisce più: le richieste falliscono finché la route non torna. Togli la spunta per revocare la concessione.</translation>
    </message>
    <message>
        <source>Models: %1</source>
        <translation>Modelli: %1</translation>
    </message>
    <message>
        <source>config.yaml defines no routes yet. Add routes there, then tick them here.</source>
        <translation>config.yaml non definisce ancora nessuna route. Aggiungile lì, poi spuntale qui.</translation>
    </message>
    <message>
        <source>Could not create the group: %1</source>
        <translation>Impossibile creare il gruppo: %1</translation>
    </message>
    <message>
        <source>Could not rename the group: %1</source>
        <translation>Impossibile rinominare il gruppo: %1</translation>
    </message>
    <message>
        <source>Could not change the description: %1</source>
        <translation>Impossibile modificare la descrizione: %1</translation>
    </message>
    <message>
        <source>It grants no routes, so no key loses access.</source>
        <translation>Non concede nessuna route, quindi nessuna chiave perde l&apos;accesso.</translation>
    </message>
    <message>
        <source>It grants: %1.</source>
        <translation>Concede: %1.</translation>
    </message>
    <message>
        <source>No key is in this group, so no key loses access.</source>
        <translation>Il gruppo non contiene chiavi, quindi nessuna chiave perde l&apos;accesso.</translation>
    </message>
    <message numerus="yes">
        <source>Its %n key(s) lose no access: other groups grant the same routes.</source>
        <translation>
            <numerusform>La sua chiave non perde nessun accesso: altri gruppi concedono le stesse route.</numerusform>
            <numerusform>Le sue %n chiavi non perdono nessun accesso: altri gruppi concedono le stesse route.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) will lose access:</source>
        <translation>
            <numerusform>%n chiave perderà l&apos;accesso:</numerusform>
            <numerusform>%n chiavi perderanno l&apos;accesso:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>• %1: %n key(s)</source>
        <translation>
            <numerusform>• %1: %n chiave</numerusform>
            <numerusform>• %1: %n chiavi</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n other key(s) keep their access through other groups.</source>
        <translation>
            <numerusform>%n altra chiave mantiene l&apos;accesso tramite altri gruppi.</numerusform>
            <numerusform>Altre %n chiavi mantengono l&apos;accesso tramite altri gruppi.</numerusform>
        </translation>
    </message>
    <message>
        <source>The keys themselves are not deleted. This cannot be undone.</source>
        <translation>Le chiavi non vengono eliminate. L&apos;operazione non si può annullare.</translation>
    </message>
    <message>
        <source>Delete Group</source>
        <translation>Elimina gruppo</translation>
    </message>
    <message>
        <source>Delete the group “%1”?</source>
        <translation>Eliminare il gruppo «%1»?</translation>
    </message>
    <message>
        <source>Could not delete the group: %1</source>
        <translation>Impossibile eliminare il gruppo: %1</translation>
    </message>
    <message>
        <source>Could not add the key to the group: %1</source>
        <translation>Impossibile aggiungere la chiave al gruppo: %1</translation>
    </message>
    <message>
        <source>Could not remove the key from the group: %1</source>
        <translation>Impossibile rimuovere la chiave dal gruppo: %1</translation>
    </message>
    <message>
        <source>Could not change the routes of the group: %1</source>
        <translation>Impossibile modificare le route del gruppo: %1</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Cronologia</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limiti</translation>
    </message>
    <message>
        <source>A group&apos;s limits are shared by all its keys: their requests count together, and each request must also fit the key&apos;s own limits.</source>
        <translation>I limiti di un gruppo sono condivisi da tutte le sue chiavi: le loro richieste si sommano, e ogni richiesta deve rispettare anche i limiti propri della chiave.</translation>
    </message>
    <message>
        <source>Limits of “%1”</source>
        <translation>Limiti di «%1»</translation>
    </message>
    <message>
        <source>What the keys of “%1” may use together. Each key&apos;s own limits apply too.</source>
        <translation>Quanto possono usare insieme le chiavi di «%1». Valgono anche i limiti propri di ogni chiave.</translation>
    </message>
</context>
<context>
    <name>portico::ui::HistorySection</name>
    <message>
        <source>When</source>
        <translation>Quando</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Chi</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Cosa</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Modifiche</translation>
    </message>
    <message>
        <source>No changes recorded.</source>
        <translation>Nessuna modifica registrata.</translation>
    </message>
    <message>
        <source>Show all in Audit</source>
        <translation>Mostra tutto nel registro attività</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Could not read the history: %1</source>
        <translation>Impossibile leggere la cronologia: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeyActionsDelegate</name>
    <message>
        <source>View</source>
        <translation>Visualizza</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Elimina</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeyDetailPanel</name>
    <message>
        <source>Select a key to see its details.</source>
        <translation>Seleziona una chiave per vederne i dettagli.</translation>
    </message>
    <message>
        <source>General Information</source>
        <translation>Informazioni generali</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <source>Rename the key (F2). The key value itself never changes.</source>
        <translation>Rinomina la chiave (F2). Il valore della chiave non cambia mai.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copia</translation>
    </message>
    <message>
        <source>Copy the UUID</source>
        <translation>Copia l&apos;UUID</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>The key is masked for security: it was shown only at creation.</source>
        <translation>Per sicurezza la chiave è mascherata: è stata mostrata solo al momento della creazione.</translation>
    </message>
    <message>
        <source>API Key</source>
        <translation>Chiave API</translation>
    </message>
    <message>
        <source>Creation Date</source>
        <translation>Data di creazione</translation>
    </message>
    <message>
        <source>Last Used</source>
        <translation>Ultimo utilizzo</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Associated Groups</source>
        <translation>Gruppi associati</translation>
    </message>
    <message>
        <source>Group Name</source>
        <translation>Nome gruppo</translation>
    </message>
    <message>
        <source>Group UUID</source>
        <translation>UUID gruppo</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Azioni</translation>
    </message>
    <message>
        <source>This key is in no group, so it cannot reach any route. Add it to a group.</source>
        <translation>Questa chiave non fa parte di nessun gruppo, quindi non può raggiungere nessuna route. Aggiungila a un gruppo.</translation>
    </message>
    <message>
        <source>Add to Group</source>
        <translation>Aggiungi al gruppo</translation>
    </message>
    <message>
        <source>The key gains access to every route associated with the group.</source>
        <translation>La chiave ottiene l&apos;accesso a tutte le route associate al gruppo.</translation>
    </message>
    <message>
        <source>Accessible Routes</source>
        <translation>Route accessibili</translation>
    </message>
    <message>
        <source>Route Name</source>
        <translation>Nome route</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>No accessible routes: none of this key&apos;s groups grants a route.</source>
        <translation>Nessuna route accessibile: nessuno dei gruppi di questa chiave concede una route.</translation>
    </message>
    <message>
        <source>Delete Key…</source>
        <translation>Elimina chiave…</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Mai</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Attiva</translation>
    </message>
    <message>
        <source>Disabled: requests with this key are refused</source>
        <translation>Disattivata: le richieste con questa chiave vengono rifiutate</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Disattiva</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Attiva</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Disattivata</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Rimuovi</translation>
    </message>
    <message>
        <source>Remove the key from “%1”</source>
        <translation>Rimuovi la chiave da «%1»</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Disponibile</translation>
    </message>
    <message>
        <source>Missing from config.yaml</source>
        <translation>Assente da config.yaml</translation>
    </message>
    <message>
        <source>The group grants “%1” but the current config.yaml has no such route: requests to it are refused with 404.</source>
        <translation>Il gruppo concede «%1», ma il config.yaml attuale non ha questa route: le richieste vengono rifiutate con 404.</translation>
    </message>
    <message>
        <source>A name is required.</source>
        <translation>Il nome è obbligatorio.</translation>
    </message>
    <message>
        <source>Could Not Change the State</source>
        <translation>Impossibile cambiare lo stato</translation>
    </message>
    <message>
        <source>Could Not Remove the Key from the Group</source>
        <translation>Impossibile rimuovere la chiave dal gruppo</translation>
    </message>
    <message>
        <source>Could Not Read the Groups</source>
        <translation>Impossibile leggere i gruppi</translation>
    </message>
    <message>
        <source>Could Not Add the Key to the Group</source>
        <translation>Impossibile aggiungere la chiave al gruppo</translation>
    </message>
    <message>
        <source>Usage (last 30 days)</source>
        <translation>Utilizzo (ultimi 30 giorni)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Cronologia</translation>
    </message>
    <message>
        <source>Rotate Secret…</source>
        <translation>Ruota il segreto…</translation>
    </message>
    <message>
        <source>Give the key a new secret; the old one can keep working for a grace period.</source>
        <translation>Dà alla chiave un nuovo segreto; il vecchio può continuare a funzionare per un periodo di tolleranza.</translation>
    </message>
    <message>
        <source>Previous Secret</source>
        <translation>Segreto precedente</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Cambia…</translation>
    </message>
    <message>
        <source>Change when the key stops working</source>
        <translation>Cambia quando la chiave smette di funzionare</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Scadenza</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limiti</translation>
    </message>
    <message>
        <source>Allowed Addresses</source>
        <translation>Indirizzi consentiti</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifica…</translation>
    </message>
    <message>
        <source>Choose the client addresses the key may be used from</source>
        <translation>Scegli gli indirizzi dei client da cui si può usare la chiave</translation>
    </message>
    <message>
        <source>Any address</source>
        <translation>Qualsiasi indirizzo</translation>
    </message>
    <message>
        <source>Limits of “%1”</source>
        <translation>Limiti di «%1»</translation>
    </message>
    <message>
        <source>What the key “%1” may use. Its groups&apos; limits apply too: a request must fit all of them.</source>
        <translation>Quanto può usare la chiave «%1». Valgono anche i limiti dei suoi gruppi: una richiesta deve rispettarli tutti.</translation>
    </message>
    <message>
        <source>End the Grace Period?</source>
        <translation>Terminare il periodo di tolleranza?</translation>
    </message>
    <message>
        <source>Refuse the previous secret %1 of “%2” from now on?</source>
        <translation>Rifiutare da ora il segreto precedente %1 di «%2»?</translation>
    </message>
    <message>
        <source>Applications that still use it get 401 at once. Only the current secret keeps working.</source>
        <translation>Le applicazioni che lo usano ancora ricevono subito 401. Continua a funzionare solo il segreto attuale.</translation>
    </message>
    <message>
        <source>Could Not End the Grace Period</source>
        <translation>Impossibile terminare il periodo di tolleranza</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeyUsageSummary</name>
    <message>
        <source>Last 24 hours</source>
        <translation>Ultime 24 ore</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Ultimi 7 giorni</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Ultimi 30 giorni</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Dall&apos;inizio</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Periodo:</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>Richieste:</translation>
    </message>
    <message>
        <source>Tokens (prompt / completion):</source>
        <translation>Token (prompt / risposta):</translation>
    </message>
    <message>
        <source>Cost:</source>
        <translation>Costo:</translation>
    </message>
    <message>
        <source>Last used:</source>
        <translation>Ultimo utilizzo:</translation>
    </message>
    <message>
        <source>Could not read usage: %1</source>
        <translation>Impossibile leggere i dati di utilizzo: %1</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Mai</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeysPage</name>
    <message>
        <source>&amp;New Key…</source>
        <translation>&amp;Nuova chiave…</translation>
    </message>
    <message>
        <source>&amp;Delete Key…</source>
        <translation>&amp;Elimina chiave…</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Trova…</translation>
    </message>
    <message>
        <source>&amp;Copy UUID</source>
        <translation>&amp;Copia UUID</translation>
    </message>
    <message>
        <source>&amp;Rename Key</source>
        <translation>&amp;Rinomina chiave</translation>
    </message>
    <message>
        <source>API Keys</source>
        <translation>Chiavi API</translation>
    </message>
    <message>
        <source>Search by name or UUID</source>
        <translation>Cerca per nome o UUID</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Tutti i gruppi</translation>
    </message>
    <message>
        <source>Show only the keys of one group</source>
        <translation>Mostra solo le chiavi di un gruppo</translation>
    </message>
    <message>
        <source>Create Key</source>
        <translation>Crea chiave</translation>
    </message>
    <message>
        <source>Create a new API key (%1)</source>
        <translation>Crea una nuova chiave API (%1)</translation>
    </message>
    <message>
        <source>No API keys yet. Click Create Key to make the first one.</source>
        <translation>Non ci sono ancora chiavi API. Fai clic su Crea chiave per creare la prima.</translation>
    </message>
    <message>
        <source>A key authenticates requests to the gateway. Put it in a group to give it access to the group&apos;s routes.</source>
        <translation>Una chiave autentica le richieste al gateway. Inseriscila in un gruppo per darle accesso alle route del gruppo.</translation>
    </message>
    <message>
        <source>No key matches the search or the group filter.</source>
        <translation>Nessuna chiave corrisponde alla ricerca o al filtro per gruppo.</translation>
    </message>
    <message>
        <source>Clear Search and Filter</source>
        <translation>Azzera ricerca e filtro</translation>
    </message>
    <message>
        <source>Could not read the keys: %1</source>
        <translation>Impossibile leggere le chiavi: %1</translation>
    </message>
    <message>
        <source>Key “%1” created.</source>
        <translation>Chiave «%1» creata.</translation>
    </message>
    <message>
        <source>Deleting a key:</source>
        <translation>Eliminare una chiave:</translation>
    </message>
    <message>
        <source>is irreversible;</source>
        <translation>è irreversibile;</translation>
    </message>
    <message>
        <source>removes the key from all groups;</source>
        <translation>la rimuove da tutti i gruppi;</translation>
    </message>
    <message>
        <source>immediately invalidates all future requests with this key.</source>
        <translation>invalida subito tutte le richieste future fatte con questa chiave.</translation>
    </message>
    <message>
        <source>Historical metrics remain available.</source>
        <translation>Le metriche storiche restano disponibili.</translation>
    </message>
    <message>
        <source>Delete Key?</source>
        <translation>Eliminare la chiave?</translation>
    </message>
    <message>
        <source>Delete the key “%1”?</source>
        <translation>Eliminare la chiave «%1»?</translation>
    </message>
    <message>
        <source>Could Not Delete the Key</source>
        <translation>Impossibile eliminare la chiave</translation>
    </message>
    <message>
        <source>Key “%1” deleted.</source>
        <translation>Chiave «%1» eliminata.</translation>
    </message>
    <message>
        <source>UUID copied.</source>
        <translation>UUID copiato.</translation>
    </message>
    <message>
        <source>1 key</source>
        <translation>1 chiave</translation>
    </message>
    <message>
        <source>%1 keys</source>
        <translation>%1 chiavi</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 di %2</translation>
    </message>
    <message>
        <source>R&amp;otate Secret…</source>
        <translation>R&amp;uota il segreto…</translation>
    </message>
    <message>
        <source>Key “%1” has a new secret.</source>
        <translation>La chiave «%1» ha un nuovo segreto.</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeysTableModel</name>
    <message>
        <source>No group</source>
        <translation>Nessun gruppo</translation>
    </message>
    <message>
        <source>%1 (disabled)</source>
        <translation>%1 (disattivata)</translation>
    </message>
    <message>
        <source>Key Name</source>
        <translation>Nome chiave</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppi</translation>
    </message>
    <message>
        <source>Accessible Routes</source>
        <translation>Route accessibili</translation>
    </message>
    <message>
        <source>Creation Date</source>
        <translation>Data di creazione</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Azioni</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Scadenza</translation>
    </message>
</context>
<context>
    <name>portico::ui::LimitsDialog</name>
    <message>
        <source>&amp;Requests per minute</source>
        <translation>&amp;Richieste al minuto</translation>
    </message>
    <message>
        <source>&amp;Tokens per minute</source>
        <translation>&amp;Token al minuto</translation>
    </message>
    <message>
        <source>Prompt and completion tokens together.</source>
        <translation>Token di prompt e di completamento insieme.</translation>
    </message>
    <message>
        <source>&amp;Parallel requests</source>
        <translation>Richieste in &amp;parallelo</translation>
    </message>
    <message>
        <source>How many requests may be in progress at the same time.</source>
        <translation>Quante richieste possono essere in corso contemporaneamente.</translation>
    </message>
    <message>
        <source>&amp;Budget</source>
        <translation>&amp;Budget</translation>
    </message>
    <message>
        <source>Spending in USD per calendar day or month (UTC), at the prices of config.yaml. Requests are refused once it is spent.</source>
        <translation>Spesa in USD per giorno o mese di calendario (UTC), ai prezzi di config.yaml. Una volta esaurito, le richieste sono rifiutate.</translation>
    </message>
    <message>
        <source>per day</source>
        <translation>al giorno</translation>
    </message>
    <message>
        <source>per month</source>
        <translation>al mese</translation>
    </message>
    <message>
        <source>Budget period</source>
        <translation>Periodo del budget</translation>
    </message>
    <message>
        <source>Untick a limit to remove it. Over a limit, requests get 429 with the time to retry; a spent budget, 429 insufficient_quota.</source>
        <translation>Togli la spunta a un limite per rimuoverlo. Oltre un limite, le richieste ricevono 429 con il tempo dopo cui riprovare; con il budget esaurito, 429 insufficient_quota.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n richiesta</numerusform>
            <numerusform>%n richieste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n token</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n at once</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n alla volta</numerusform>
            <numerusform>%n alla volta</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::LimitsView</name>
    <message>
        <source>Requests per minute:</source>
        <translation>Richieste al minuto:</translation>
    </message>
    <message>
        <source>Tokens per minute:</source>
        <translation>Token al minuto:</translation>
    </message>
    <message>
        <source>Parallel requests:</source>
        <translation>Richieste in parallelo:</translation>
    </message>
    <message>
        <source>Budget:</source>
        <translation>Budget:</translation>
    </message>
    <message>
        <source>Edit Limits…</source>
        <translation>Modifica limiti…</translation>
    </message>
    <message>
        <source>%1 of %2 this minute</source>
        <translation>%1 di %2 in questo minuto</translation>
    </message>
    <message>
        <source>No limit (%1 this minute)</source>
        <translation>Nessun limite (%1 in questo minuto)</translation>
    </message>
    <message>
        <source>At most %1 at once</source>
        <translation>Al massimo %1 alla volta</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Nessun limite</translation>
    </message>
    <message>
        <source>%1 of %2 today, resets %3</source>
        <translation>%1 di %2 oggi, si azzera il %3</translation>
    </message>
    <message>
        <source>%1 of %2 this month, resets %3</source>
        <translation>%1 di %2 questo mese, si azzera il %3</translation>
    </message>
    <message>
        <source>No budget</source>
        <translation>Nessun budget</translation>
    </message>
    <message>
        <source>Could not read the current use: %1</source>
        <translation>Impossibile leggere l&apos;uso attuale: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::LogsPage</name>
    <message>
        <source>All</source>
        <translation>Tutti</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info e superiori</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Avvisi ed errori</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errori</translation>
    </message>
    <message>
        <source>Show only the entries at or above this level</source>
        <translation>Mostra solo le voci di questo livello o superiore</translation>
    </message>
    <message>
        <source>Filter by any column…</source>
        <translation>Filtra su qualsiasi colonna…</translation>
    </message>
    <message>
        <source>Live &amp;tail</source>
        <translation>Segui in &amp;tempo reale</translation>
    </message>
    <message>
        <source>Keep the newest entry in view as entries arrive</source>
        <translation>Mantiene visibile la voce più recente man mano che arrivano</translation>
    </message>
    <message>
        <source>C&amp;lear View</source>
        <translation>&amp;Svuota vista</translation>
    </message>
    <message>
        <source>Remove the entries shown here; the gateway&apos;s log itself is kept</source>
        <translation>Rimuove le voci mostrate qui; il log del gateway resta intatto</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>&amp;Livello:</translation>
    </message>
    <message numerus="yes">
        <source>%n entry(s)</source>
        <translation>
            <numerusform>%n voce</numerusform>
            <numerusform>%n voci</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n entry(s) shown</source>
        <translation>
            <numerusform>Mostrate: %1 di %n voce</numerusform>
            <numerusform>Mostrate: %1 di %n voci</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::LogsTableModel</name>
    <message>
        <source>Debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avviso</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Errore</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Ora</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Livello</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Richiesta</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Chiave</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Messaggio</translation>
    </message>
</context>
<context>
    <name>portico::ui::MainWindow</name>
    <message>
        <source>Portico</source>
        <translation>Portico</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Chiavi</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppi</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Esci</translation>
    </message>
    <message>
        <source>&amp;Keys</source>
        <translation>&amp;Chiavi</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Visualizza</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>&amp;Gruppi</translation>
    </message>
    <message>
        <source>&amp;Routes</source>
        <translation>&amp;Route</translation>
    </message>
    <message>
        <source>&amp;Gateway</source>
        <translation>&amp;Gateway</translation>
    </message>
    <message>
        <source>&amp;Start Gateway</source>
        <translation>&amp;Avvia gateway</translation>
    </message>
    <message>
        <source>S&amp;top Gateway</source>
        <translation>&amp;Ferma gateway</translation>
    </message>
    <message>
        <source>Use Another &amp;Port…</source>
        <translation>Usa un&apos;altra &amp;porta…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aiuto</translation>
    </message>
    <message>
        <source>&amp;About Portico</source>
        <translation>&amp;Informazioni su Portico</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Informazioni su &amp;Qt</translation>
    </message>
    <message>
        <source>Use Another Port…</source>
        <translation>Usa un&apos;altra porta…</translation>
    </message>
    <message>
        <source>Gateway listening on http://%1</source>
        <translation>Gateway in ascolto su http://%1</translation>
    </message>
    <message>
        <source>Gateway not running: %1</source>
        <translation>Gateway non in esecuzione: %1</translation>
    </message>
    <message>
        <source>Gateway stopped</source>
        <translation>Gateway fermo</translation>
    </message>
    <message>
        <source>Use Another Port</source>
        <translation>Usa un&apos;altra porta</translation>
    </message>
    <message>
        <source>Port for the gateway on this computer (1024–65535):</source>
        <translation>Porta del gateway su questo computer (1024–65535):</translation>
    </message>
    <message>
        <source>About Portico</source>
        <translation>Informazioni su Portico</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Portico %1&lt;/h3&gt;&lt;p&gt;A desktop admin app with a local, OpenAI-compatible AI gateway.&lt;/p&gt;&lt;p&gt;API keys authenticate requests; groups give keys access to the routes of config.yaml.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Portico %1&lt;/h3&gt;&lt;p&gt;Un&apos;applicazione desktop di amministrazione con un gateway AI locale compatibile con OpenAI.&lt;/p&gt;&lt;p&gt;Le chiavi API autenticano le richieste; i gruppi danno alle chiavi l&apos;accesso alle route di config.yaml.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Gateway starting…</source>
        <translation>Avvio del gateway…</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Utilizzo</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>&amp;Usage</source>
        <translation>&amp;Utilizzo</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>&amp;Log</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Registro attività</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>Registro &amp;attività</translation>
    </message>
    <message>
        <source>&amp;Open Store…</source>
        <translation>&amp;Apri database…</translation>
    </message>
    <message>
        <source>Shared store: %1</source>
        <translation>Database condiviso: %1</translation>
    </message>
    <message>
        <source>Store: %1</source>
        <translation>Database: %1</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Impostazioni…</translation>
    </message>
</context>
<context>
    <name>portico::ui::OneTimeKeyDialog</name>
    <message>
        <source>API Key Created</source>
        <translation>Chiave API creata</translation>
    </message>
    <message>
        <source>Key “%1” created</source>
        <translation>Chiave «%1» creata</translation>
    </message>
    <message>
        <source>Save this key now. It is shown only once and cannot be retrieved later.</source>
        <translation>Salva subito questa chiave. Viene mostrata una sola volta e non potrà essere recuperata in seguito.</translation>
    </message>
    <message>
        <source>You need it to authenticate requests. If it is lost, create a new key and delete this one.</source>
        <translation>Serve per autenticare le richieste. Se la perdi, crea una nuova chiave ed elimina questa.</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>&amp;Chiave API</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>C&amp;opia</translation>
    </message>
    <message>
        <source>Copied. The clipboard will be cleared in 60 seconds.</source>
        <translation>Copiata. Gli appunti verranno svuotati tra 60 secondi.</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>Come usarla</translation>
    </message>
    <message>
        <source>curl</source>
        <translation>curl</translation>
    </message>
    <message>
        <source>Python (OpenAI SDK)</source>
        <translation>Python (SDK OpenAI)</translation>
    </message>
    <message>
        <source>JavaScript (fetch)</source>
        <translation>JavaScript (fetch)</translation>
    </message>
    <message>
        <source>This key is in no group that grants a route yet, so requests will be refused until you add it to one. The examples use the route “%1”.</source>
        <translation>Questa chiave non fa ancora parte di un gruppo che conceda una route, quindi le richieste verranno rifiutate finché non la aggiungi a uno. Gli esempi usano la route «%1».</translation>
    </message>
    <message>
        <source>The examples use the route “%1”, which this key can reach.</source>
        <translation>Gli esempi usano la route «%1», raggiungibile con questa chiave.</translation>
    </message>
    <message>
        <source>The gateway is stopped: start it from the Gateway menu.</source>
        <translation>Il gateway è fermo: avvialo dal menu Gateway.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fatto</translation>
    </message>
    <message>
        <source>Copy Example</source>
        <translation>Copia esempio</translation>
    </message>
    <message>
        <source>Close Without Copying?</source>
        <translation>Chiudere senza copiare?</translation>
    </message>
    <message>
        <source>You have not copied the key. Once this window is closed it cannot be shown again.</source>
        <translation>Non hai copiato la chiave. Una volta chiusa questa finestra non potrà più essere mostrata.</translation>
    </message>
    <message>
        <source>Close anyway, or go back and copy it?</source>
        <translation>Chiudere comunque o tornare indietro a copiarla?</translation>
    </message>
    <message>
        <source>API Key Rotated</source>
        <translation>Chiave API ruotata</translation>
    </message>
    <message>
        <source>New secret for “%1”</source>
        <translation>Nuovo segreto per «%1»</translation>
    </message>
    <message>
        <source>Save this new secret now. It is shown only once and cannot be retrieved later.</source>
        <translation>Salva subito questo nuovo segreto. Viene mostrato una sola volta e non potrà essere recuperato in seguito.</translation>
    </message>
    <message>
        <source>Put it in your applications in place of the old one. If it is lost, rotate the key again.</source>
        <translation>Mettilo nelle tue applicazioni al posto del vecchio. Se lo perdi, ruota di nuovo la chiave.</translation>
    </message>
    <message>
        <source>The previous secret keeps working until %1, then requests with it are refused.</source>
        <translation>Il segreto precedente continua a funzionare fino al %1, poi le richieste con esso saranno rifiutate.</translation>
    </message>
    <message>
        <source>The previous secret no longer works: requests with it are refused.</source>
        <translation>Il segreto precedente non funziona più: le richieste con esso sono rifiutate.</translation>
    </message>
</context>
<context>
    <name>portico::ui::OpenStoreDialog</name>
    <message>
        <source>Open Store</source>
        <translation>Apri database</translation>
    </message>
    <message>
        <source>A file on this computer (SQLite)</source>
        <translation>Un file su questo computer (SQLite)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Sfoglia…</translation>
    </message>
    <message>
        <source>Store File</source>
        <translation>File del database</translation>
    </message>
    <message>
        <source>Portico stores (*.db);;All files (*)</source>
        <translation>Database Portico (*.db);;Tutti i file (*)</translation>
    </message>
    <message>
        <source>A PostgreSQL database shared by several gateways</source>
        <translation>Un database PostgreSQL condiviso da più gateway</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Porta:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Database:</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Utente:</translation>
    </message>
    <message>
        <source>TLS mode:</source>
        <translation>Modalità TLS:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Choose a file for the store.</source>
        <translation>Scegli un file per il database.</translation>
    </message>
    <message>
        <source>Enter the host, the database and the user.</source>
        <translation>Inserisci l&apos;host, il database e l&apos;utente.</translation>
    </message>
    <message>
        <source>Remember password in the system keychain</source>
        <translation>Ricorda la password nel portachiavi di sistema</translation>
    </message>
    <message>
        <source>The password is never written to the settings file. Leave it empty to use the one saved in the system keychain, else PGPASSWORD or ~/.pgpass.</source>
        <translation>La password non viene mai scritta nel file delle impostazioni. Lasciala vuota per usare quella salvata nel portachiavi di sistema, altrimenti PGPASSWORD o ~/.pgpass.</translation>
    </message>
</context>
<context>
    <name>portico::ui::PeriodSelector</name>
    <message>
        <source>Last hour</source>
        <translation>Ultima ora</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Ultime 24 ore</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Ultimi 7 giorni</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Ultimi 30 giorni</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Dall&apos;inizio</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personalizzato</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Periodo:</translation>
    </message>
</context>
<context>
    <name>portico::ui::PreviousSecretView</name>
    <message>
        <source>End Grace Period Now…</source>
        <translation>Termina la tolleranza…</translation>
    </message>
    <message>
        <source>Refuse the previous secret from now on.</source>
        <translation>Rifiuta il segreto precedente da ora in poi.</translation>
    </message>
    <message>
        <source>Previous secret %1 works until %2</source>
        <translation>Il segreto precedente %1 funziona fino al %2</translation>
    </message>
    <message>
        <source>Previous secret %1 stopped working at %2</source>
        <translation>Il segreto precedente %1 ha smesso di funzionare il %2</translation>
    </message>
    <message>
        <source>Reading who still uses it…</source>
        <translation>Lettura di chi lo usa ancora…</translation>
    </message>
    <message>
        <source>Old secret not used in the last hour.</source>
        <translation>Vecchio segreto non usato nell&apos;ultima ora.</translation>
    </message>
    <message numerus="yes">
        <source>Old secret used %n time(s) in the last hour, last at %1.</source>
        <translation>
            <numerusform>Vecchio segreto usato %n volta nell&apos;ultima ora, l&apos;ultima alle %1.</numerusform>
            <numerusform>Vecchio segreto usato %n volte nell&apos;ultima ora, l&apos;ultima alle %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::RotateKeyDialog</name>
    <message>
        <source>Rotate Secret</source>
        <translation>Ruota il segreto</translation>
    </message>
    <message>
        <source>Rotate the secret of “%1”</source>
        <translation>Ruota il segreto di «%1»</translation>
    </message>
    <message>
        <source>The key gets a new secret, shown once. Its UUID, name, groups, limits and usage history stay. Requests with the current secret (%1) keep working for the grace period you choose, so your applications can switch without an outage.</source>
        <translation>La chiave riceve un nuovo segreto, mostrato una sola volta. UUID, nome, gruppi, limiti e cronologia d&apos;uso restano. Le richieste con il segreto attuale (%1) continuano a funzionare per il periodo di tolleranza che scegli, così le tue applicazioni possono passare al nuovo senza interruzioni.</translation>
    </message>
    <message>
        <source>This key is already in a grace period: its previous secret %1 works until %2. Rotating again ends that grace period at once, so requests still using %1 are refused from now on.</source>
        <translation>Questa chiave è già in un periodo di tolleranza: il suo segreto precedente %1 funziona fino al %2. Ruotarla di nuovo termina subito quel periodo, quindi le richieste che usano ancora %1 saranno rifiutate da ora in poi.</translation>
    </message>
    <message>
        <source>How long should the current secret keep working?</source>
        <translation>Per quanto tempo deve continuare a funzionare il segreto attuale?</translation>
    </message>
    <message>
        <source>&amp;Stop it now (no grace period)</source>
        <translation>&amp;Fermalo ora (nessun periodo di tolleranza)</translation>
    </message>
    <message>
        <source>For &amp;1 hour</source>
        <translation>Per &amp;1 ora</translation>
    </message>
    <message>
        <source>For &amp;24 hours</source>
        <translation>Per &amp;24 ore</translation>
    </message>
    <message>
        <source>For &amp;7 days</source>
        <translation>Per &amp;7 giorni</translation>
    </message>
    <message>
        <source>&amp;For</source>
        <translation>P&amp;er</translation>
    </message>
    <message>
        <source>Grace period length</source>
        <translation>Durata del periodo di tolleranza</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minuti</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>ore</translation>
    </message>
    <message>
        <source>days</source>
        <translation>giorni</translation>
    </message>
    <message>
        <source>Grace period unit</source>
        <translation>Unità del periodo di tolleranza</translation>
    </message>
    <message>
        <source>Requests with the current secret are refused as soon as you rotate. Use this when the secret has leaked.</source>
        <translation>Le richieste con il segreto attuale sono rifiutate appena ruoti. Usalo quando il segreto è trapelato.</translation>
    </message>
    <message>
        <source>Both secrets work until about %1; then only the new one does. The detail panel shows who still uses the old one.</source>
        <translation>Entrambi i segreti funzionano fino a circa il %1; poi solo il nuovo. Il pannello dei dettagli mostra chi usa ancora il vecchio.</translation>
    </message>
</context>
<context>
    <name>portico::ui::RoutesPage</name>
    <message>
        <source>Routes</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>The routes defined in config.yaml. A request names a route in its “model” field; a key can call a route when one of its groups grants it.</source>
        <translation>Le route definite in config.yaml. Una richiesta indica la route nel campo «model»; una chiave può chiamare una route se uno dei suoi gruppi la concede.</translation>
    </message>
    <message>
        <source>Config file:</source>
        <translation>File di configurazione:</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Ricarica</translation>
    </message>
    <message>
        <source>Read config.yaml again</source>
        <translation>Rileggi config.yaml</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Chat Models</source>
        <translation>Modelli chat</translation>
    </message>
    <message>
        <source>Embedding Models</source>
        <translation>Modelli di embedding</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limiti</translation>
    </message>
    <message>
        <source>Fallbacks</source>
        <translation>Fallback</translation>
    </message>
    <message>
        <source>Granted To</source>
        <translation>Concessa a</translation>
    </message>
    <message>
        <source>Try It</source>
        <translation>Provala</translation>
    </message>
    <message>
        <source>curl example</source>
        <translation>esempio curl</translation>
    </message>
    <message>
        <source>&amp;Copy Example</source>
        <translation>Copia &amp;esempio</translation>
    </message>
    <message>
        <source>Problems in config.yaml</source>
        <translation>Problemi in config.yaml</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravità</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Dove</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>Copiato.</translation>
    </message>
    <message>
        <source>built-in default config (no file)</source>
        <translation>configurazione predefinita integrata (nessun file)</translation>
    </message>
    <message>
        <source>no group</source>
        <translation>nessun gruppo</translation>
    </message>
    <message>
        <source>No group grants this route yet, so no key can call it. Tick it on the Groups page.</source>
        <translation>Nessun gruppo concede ancora questa route, quindi nessuna chiave può chiamarla. Spuntala nella pagina Gruppi.</translation>
    </message>
    <message>
        <source>%1 (granted by %2)</source>
        <translation>%1 (concessa da %2)</translation>
    </message>
    <message>
        <source>Granted by groups but missing from config.yaml: %1. Requests to these routes fail until config.yaml defines them again.</source>
        <translation>Concesse da gruppi ma assenti da config.yaml: %1. Le richieste a queste route falliscono finché config.yaml non le definisce di nuovo.</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Errore</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avviso</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>Nessun problema trovato.</translation>
    </message>
    <message>
        <source>%1, %2.</source>
        <translation>%1, %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n errore</numerusform>
            <numerusform>%n errori</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n avviso</numerusform>
            <numerusform>%n avvisi</numerusform>
        </translation>
    </message>
    <message>
        <source>config.yaml has errors and was not loaded. The last good config is still in use: the routes below are the ones the gateway serves.</source>
        <translation>config.yaml contiene errori e non è stato caricato. È ancora in uso l&apos;ultima configurazione valida: le route qui sotto sono quelle servite dal gateway.</translation>
    </message>
    <message>
        <source>config.yaml has errors and no good config was loaded yet, so the gateway serves no routes. Fix the problems below, then click Reload.</source>
        <translation>config.yaml contiene errori e non è ancora stata caricata nessuna configurazione valida, quindi il gateway non serve nessuna route. Correggi i problemi qui sotto, poi fai clic su Ricarica.</translation>
    </message>
    <message>
        <source>Select a route to see how to call it.</source>
        <translation>Seleziona una route per vedere come chiamarla.</translation>
    </message>
    <message>
        <source>Call “%1” with curl. Replace YOUR_API_KEY with a key whose groups grant this route.</source>
        <translation>Chiama «%1» con curl. Sostituisci YOUR_API_KEY con una chiave i cui gruppi concedano questa route.</translation>
    </message>
    <message>
        <source>The gateway is stopped: start it to try this example.</source>
        <translation>Il gateway è fermo: avvialo per provare questo esempio.</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>giorno</numerusform>
            <numerusform>%n giorni</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>ora</numerusform>
            <numerusform>%n ore</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>minuto</numerusform>
            <numerusform>%n minuti</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>secondo</numerusform>
            <numerusform>%n secondi</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 requests per %2</source>
        <translation>%1 richieste ogni %2</translation>
    </message>
    <message>
        <source>%1 input tokens</source>
        <translation>%1 token in ingresso</translation>
    </message>
    <message>
        <source>%1 output tokens</source>
        <translation>%1 token in uscita</translation>
    </message>
    <message>
        <source>%1 per %2</source>
        <translation>%1 ogni %2</translation>
    </message>
    <message>
        <source>US$%1 per %2</source>
        <translation>%1 USD ogni %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <source>Set API &amp;Key…</source>
        <translation>&amp;Imposta chiave API…</translation>
    </message>
    <message>
        <source>Keep a model&apos;s upstream API key in the system keychain</source>
        <translation>Conserva nel portachiavi di sistema la chiave API con cui un modello chiama il suo provider</translation>
    </message>
</context>
<context>
    <name>portico::ui::SetApiKeyDialog</name>
    <message>
        <source>Set API Key</source>
        <translation>Imposta chiave API</translation>
    </message>
    <message>
        <source>The API key of an upstream model is kept in the system keychain, never in a file. config.yaml refers to it as &lt;code&gt;api_key: !secret NAME&lt;/code&gt;; the keychain is looked at first, then secrets.yaml, then the environment.</source>
        <translation>La chiave API con cui un modello chiama il suo provider è conservata nel portachiavi di sistema, mai in un file. config.yaml vi fa riferimento come &lt;code&gt;api_key: !secret NAME&lt;/code&gt;; si cerca prima nel portachiavi, poi in secrets.yaml, poi nelle variabili d&apos;ambiente.</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modello:</translation>
    </message>
    <message>
        <source>Keychain entry:</source>
        <translation>Voce nel portachiavi:</translation>
    </message>
    <message>
        <source>Now:</source>
        <translation>Attualmente:</translation>
    </message>
    <message>
        <source>Paste the provider&apos;s API key</source>
        <translation>Incolla la chiave API del provider</translation>
    </message>
    <message>
        <source>New &amp;API key:</source>
        <translation>Nuova chiave &amp;API:</translation>
    </message>
    <message>
        <source>&amp;Copy Lines</source>
        <translation>&amp;Copia righe</translation>
    </message>
    <message>
        <source>&amp;Save in Keychain</source>
        <translation>&amp;Salva nel portachiavi</translation>
    </message>
    <message>
        <source>%1 (referenced in config.yaml)</source>
        <translation>%1 (citato in config.yaml)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>nessuna</translation>
    </message>
    <message>
        <source>config.yaml has no model that calls a provider, so there is no API key to set.</source>
        <translation>config.yaml non ha nessun modello che chiami un provider, quindi non c&apos;è nessuna chiave API da impostare.</translation>
    </message>
    <message>
        <source>%1 in “%2”</source>
        <translation>%1 in «%2»</translation>
    </message>
    <message>
        <source>No keychain in this window.</source>
        <translation>Nessun portachiavi in questa finestra.</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain. Type a new one to replace it.</source>
        <translation>Nel portachiavi di sistema è conservata una chiave. Digitane una nuova per sostituirla.</translation>
    </message>
    <message>
        <source>No key stored in the system keychain.</source>
        <translation>Nessuna chiave conservata nel portachiavi di sistema.</translation>
    </message>
    <message>
        <source>Saving in the system keychain…</source>
        <translation>Salvataggio nel portachiavi di sistema…</translation>
    </message>
    <message>
        <source>Not saved: the system keychain did not take it (%1). Put it in secrets.yaml beside config.yaml instead (a line “%2: &lt;key&gt;”, in a file only you can read), or in the environment variable %2.</source>
        <translation>Non salvata: il portachiavi di sistema non l&apos;ha accettata (%1). Mettila invece in secrets.yaml accanto a config.yaml (una riga «%2: &lt;key&gt;», in un file che solo tu puoi leggere), oppure nella variabile d&apos;ambiente %2.</translation>
    </message>
    <message>
        <source>Saved. config.yaml refers to it as !secret %1, so the gateway uses it from now on.</source>
        <translation>Salvata. config.yaml vi fa riferimento come !secret %1, quindi il gateway la usa da subito.</translation>
    </message>
    <message>
        <source>Saved. config.yaml does not refer to it yet: under “model_id: %1” write these lines (in place of any api_key there) and save the file. The gateway uses the key as soon as config.yaml is reloaded.</source>
        <translation>Salvata. config.yaml non vi fa ancora riferimento: sotto «model_id: %1» scrivi queste righe (al posto di un eventuale api_key) e salva il file. Il gateway usa la chiave appena config.yaml viene ricaricato.</translation>
    </message>
</context>
<context>
    <name>portico::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>127.0.0.1: this computer only. 0.0.0.0: every network of this computer (set gateway.metrics_token in config.yaml then).</source>
        <translation>127.0.0.1: solo questo computer. 0.0.0.0: tutte le reti di questo computer (in tal caso imposta gateway.metrics_token in config.yaml).</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Porta:</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>In ascolto su:</translation>
    </message>
    <message>
        <source>Start the gateway when Portico starts</source>
        <translation>Avvia il gateway all&apos;avvio di Portico</translation>
    </message>
    <message>
        <source>Store and configuration</source>
        <translation>Database e configurazione</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Sfoglia…</translation>
    </message>
    <message>
        <source>Store file:</source>
        <translation>File del database:</translation>
    </message>
    <message>
        <source>A shared PostgreSQL store: File → Open Store changes it.</source>
        <translation>Un database PostgreSQL condiviso: si cambia con File → Apri database.</translation>
    </message>
    <message>
        <source>Built-in (the demo route)</source>
        <translation>Configurazione integrata (la route demo)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Apri</translation>
    </message>
    <message>
        <source>Open config.yaml in the editor of this desktop</source>
        <translation>Apri config.yaml nell&apos;editor di questo desktop</translation>
    </message>
    <message>
        <source>Config file:</source>
        <translation>File di configurazione:</translation>
    </message>
    <message>
        <source>Check:</source>
        <translation>Verifica:</translation>
    </message>
    <message>
        <source>Desktop</source>
        <translation>Desktop</translation>
    </message>
    <message>
        <source>Keep the gateway running in the tray when the window closes</source>
        <translation>Tieni attivo il gateway nell&apos;area di notifica quando la finestra si chiude</translation>
    </message>
    <message>
        <source>This desktop shows no tray: closing the window quits.</source>
        <translation>Questo desktop non mostra un&apos;area di notifica: chiudendo la finestra si esce da Portico.</translation>
    </message>
    <message>
        <source>Not chosen yet: the first close of the window asks.</source>
        <translation>Non ancora scelto: verrà chiesto alla prima chiusura della finestra.</translation>
    </message>
    <message>
        <source>Start Portico when I log in</source>
        <translation>Avvia Portico all&apos;accesso</translation>
    </message>
    <message>
        <source>Same as the system (%1)</source>
        <translation>Come il sistema (%1)</translation>
    </message>
    <message>
        <source>A new language shows after Portico restarts.</source>
        <translation>Una nuova lingua compare al riavvio di Portico.</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Lingua:</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Utilizzo</translation>
    </message>
    <message>
        <source>Keep for ever</source>
        <translation>Per sempre</translation>
    </message>
    <message>
        <source>Keep each request for:</source>
        <translation>Conserva ogni richiesta per:</translation>
    </message>
    <message>
        <source>The built-in config: the demo route only.</source>
        <translation>La configurazione integrata: solo la route demo.</translation>
    </message>
    <message>
        <source>There is no file %1.</source>
        <translation>Il file %1 non esiste.</translation>
    </message>
    <message>
        <source>OK: %1 routes, %2 models</source>
        <translation>OK: %1 route, %2 modelli</translation>
    </message>
    <message numerus="yes">
        <source>Loads, with %n warning(s):</source>
        <translation>
            <numerusform>Si carica, con %n avviso:</numerusform>
            <numerusform>Si carica, con %n avvisi:</numerusform>
        </translation>
    </message>
    <message>
        <source>Does not load; the gateway keeps its last good config:</source>
        <translation>Non si carica; il gateway mantiene l&apos;ultima configurazione valida:</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more (portico-gateway config check lists them all).</source>
        <translation>
            <numerusform>… e ancora %n (portico-gateway config check li elenca tutti).</numerusform>
            <numerusform>… e altri %n (portico-gateway config check li elenca tutti).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>config.yaml sets usage.raw_retention_days to %n day(s); that wins over this setting.</source>
        <translation>
            <numerusform>config.yaml imposta usage.raw_retention_days a %n giorno, che prevale su questa impostazione.</numerusform>
            <numerusform>config.yaml imposta usage.raw_retention_days a %n giorni, che prevale su questa impostazione.</numerusform>
        </translation>
    </message>
    <message>
        <source>Older requests are deleted by the gateway in this app; the hourly and daily totals stay. config.yaml&apos;s usage.raw_retention_days, when set, wins.</source>
        <translation>Il gateway di questa app elimina le richieste più vecchie; i totali orari e giornalieri restano. Se impostato, prevale usage.raw_retention_days di config.yaml.</translation>
    </message>
    <message>
        <source>Store File</source>
        <translation>File del database</translation>
    </message>
    <message>
        <source>SQLite stores (*.db *.sqlite);;All files (*)</source>
        <translation>Database SQLite (*.db *.sqlite);;Tutti i file (*)</translation>
    </message>
    <message>
        <source>Config File</source>
        <translation>File di configurazione</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml);;All files (*)</source>
        <translation>File YAML (*.yaml *.yml);;Tutti i file (*)</translation>
    </message>
    <message>
        <source>No program on this desktop opens %1.</source>
        <translation>Nessun programma di questo desktop apre %1.</translation>
    </message>
    <message>
        <source>Use Port %1</source>
        <translation>Usa la porta %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address: use 127.0.0.1 for this computer only, or 0.0.0.0 for every network.</source>
        <translation>«%1» non è un indirizzo IP: usa 127.0.0.1 per questo computer soltanto, o 0.0.0.0 per tutte le reti.</translation>
    </message>
    <message>
        <source>Ports below 1024 need administrator rights; choose one from 1024 to 65535.</source>
        <translation>Le porte sotto 1024 richiedono i diritti di amministratore; scegline una da 1024 a 65535.</translation>
    </message>
    <message>
        <source>Port %1 is free.</source>
        <translation>La porta %1 è libera.</translation>
    </message>
    <message>
        <source>Choose another port.</source>
        <translation>Scegli un&apos;altra porta.</translation>
    </message>
    <message>
        <source>The gateway cannot listen on port %1.</source>
        <translation>Il gateway non può mettersi in ascolto sulla porta %1.</translation>
    </message>
    <message>
        <source>The store file needs a full path, like %1.</source>
        <translation>Il file del database richiede un percorso completo, come %1.</translation>
    </message>
    <message>
        <source>The folder of the store file, %1, does not exist.</source>
        <translation>La cartella del file del database, %1, non esiste.</translation>
    </message>
    <message>
        <source>There is no config file %1; leave the field empty for the built-in one.</source>
        <translation>Il file di configurazione %1 non esiste; lascia il campo vuoto per usare la configurazione integrata.</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <comment>retention, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n giorno</numerusform>
            <numerusform>%n giorni</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::StorePasswords</name>
    <message>
        <source>No system keychain available: the password is kept for this session only.</source>
        <translation>Nessun portachiavi di sistema disponibile: la password vale solo per questa sessione.</translation>
    </message>
</context>
<context>
    <name>portico::ui::StoreWatcher</name>
    <message>
        <source>The store cannot be read. The pages show what they last read; they are updated when it answers again.</source>
        <translation>Impossibile leggere il database. Le pagine mostrano gli ultimi dati letti e verranno aggiornate quando risponderà di nuovo.</translation>
    </message>
    <message>
        <source>The store cannot be written: changes are not saved, and the gateway keeps the usage rows in memory until it can write them. %1</source>
        <translation>Impossibile scrivere nel database: le modifiche non vengono salvate e il gateway tiene in memoria i dati di utilizzo finché non potrà scriverli. %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::TrayController</name>
    <message>
        <source>&amp;Open Portico</source>
        <translation>&amp;Apri Portico</translation>
    </message>
    <message>
        <source>&amp;Quit Portico</source>
        <translation>&amp;Esci da Portico</translation>
    </message>
    <message>
        <source>Gateway starting…</source>
        <translation>Avvio del gateway…</translation>
    </message>
    <message>
        <source>Gateway running on %1</source>
        <translation>Gateway attivo su %1</translation>
    </message>
    <message>
        <source>Gateway not running: %1</source>
        <translation>Gateway non in esecuzione: %1</translation>
    </message>
    <message>
        <source>Gateway paused</source>
        <translation>Gateway in pausa</translation>
    </message>
    <message>
        <source>&amp;Pause Gateway</source>
        <translation>Metti in &amp;pausa il gateway</translation>
    </message>
    <message>
        <source>&amp;Resume Gateway</source>
        <translation>&amp;Riprendi il gateway</translation>
    </message>
    <message>
        <source>Portico: %1</source>
        <translation>Portico: %1</translation>
    </message>
    <message>
        <source>Keep the Gateway Running?</source>
        <translation>Tenere attivo il gateway?</translation>
    </message>
    <message>
        <source>Keep the gateway running in the tray when the window closes?</source>
        <translation>Tenere attivo il gateway nell&apos;area di notifica quando la finestra si chiude?</translation>
    </message>
    <message>
        <source>Programs that use Portico keep working; Quit in the tray menu ends it. You can change this in Settings.</source>
        <translation>I programmi che usano Portico continuano a funzionare; Esci da Portico, nel menu dell&apos;area di notifica, lo chiude. Puoi cambiare questa scelta nelle Impostazioni.</translation>
    </message>
    <message>
        <source>Portico</source>
        <translation>Portico</translation>
    </message>
    <message>
        <source>Portico keeps running in the tray. %1</source>
        <translation>Portico resta attivo nell&apos;area di notifica. %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::UsagePage</name>
    <message>
        <source>By key</source>
        <translation>Per chiave</translation>
    </message>
    <message>
        <source>By route</source>
        <translation>Per route</translation>
    </message>
    <message>
        <source>All keys</source>
        <translation>Tutte le chiavi</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Tutti i gruppi</translation>
    </message>
    <message>
        <source>All routes</source>
        <translation>Tutte le route</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Tutti gli stati</translation>
    </message>
    <message>
        <source>Successes</source>
        <translation>Riuscite</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errori</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Esporta CSV…</translation>
    </message>
    <message>
        <source>Double-click a key to see its requests.</source>
        <translation>Fai doppio clic su una chiave per vederne le richieste.</translation>
    </message>
    <message>
        <source>← Back to totals</source>
        <translation>← Torna ai totali</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Ora</translation>
    </message>
    <message>
        <source>Request ID</source>
        <translation>ID richiesta</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modello</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Prompt tokens</source>
        <translation>Token del prompt</translation>
    </message>
    <message>
        <source>Completion tokens</source>
        <translation>Token della risposta</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>Costo (USD)</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>Latenza (ms)</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Errore</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Carica altre</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Caricamento…</translation>
    </message>
    <message>
        <source>Could not read usage: %1</source>
        <translation>Impossibile leggere i dati di utilizzo: %1</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Chiave</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Richieste</translation>
    </message>
    <message>
        <source>Avg latency (ms)</source>
        <translation>Latenza media (ms)</translation>
    </message>
    <message>
        <source>p95 latency (ms)</source>
        <translation>Latenza p95 (ms)</translation>
    </message>
    <message>
        <source>Last request</source>
        <translation>Ultima richiesta</translation>
    </message>
    <message>
        <source>This key was deleted; its history is kept.</source>
        <translation>Questa chiave è stata eliminata; il suo storico resta disponibile.</translation>
    </message>
    <message>
        <source>Requests of %1</source>
        <translation>Richieste di %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sì</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>%1 of %2 requests</source>
        <translation>%1 di %2 richieste</translation>
    </message>
    <message>
        <source>Export usage</source>
        <translation>Esporta l&apos;utilizzo</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>File CSV (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n line(s).</source>
        <translation>
            <numerusform>Esportata %n riga.</numerusform>
            <numerusform>Esportate %n righe.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossibile scrivere %1: %2</translation>
    </message>
    <message>
        <source>Exporting requests…</source>
        <translation>Esportazione delle richieste…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n request(s).</source>
        <translation>
            <numerusform>Esportata %n richiesta.</numerusform>
            <numerusform>Esportate %n richieste.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>Esportazione annullata.</translation>
    </message>
    <message numerus="yes">
        <source>Requests older than %n day(s) are deleted (usage.raw_retention_days in config.yaml); the totals still count them.</source>
        <translation>
            <numerusform>Le richieste più vecchie di %n giorno vengono eliminate (usage.raw_retention_days in config.yaml); i totali continuano a contarle.</numerusform>
            <numerusform>Le richieste più vecchie di %n giorni vengono eliminate (usage.raw_retention_days in config.yaml); i totali continuano a contarle.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::UsageText</name>
    <message>
        <source>(no key)</source>
        <translation>(nessuna chiave)</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>(eliminata)</translation>
    </message>
    <message>
        <source>(no route)</source>
        <translation>(nessuna route)</translation>
    </message>
</context>
<context>
    <name>portico::ui::WelcomePanel</name>
    <message>
        <source>Welcome to Portico</source>
        <translation>Benvenuto in Portico</translation>
    </message>
    <message>
        <source>Dismiss the welcome</source>
        <translation>Chiudi il benvenuto</translation>
    </message>
    <message>
        <source>1. Create a Group and Key</source>
        <translation>1. Crea un gruppo e una chiave</translation>
    </message>
    <message>
        <source>2. Send a Test Request</source>
        <translation>2. Invia una richiesta di prova</translation>
    </message>
    <message>
        <source>Programs call the gateway with an API key, and a key may call the routes that its groups grant.</source>
        <translation>I programmi chiamano il gateway con una chiave API, e una chiave può chiamare le route concesse dai suoi gruppi.</translation>
    </message>
    <message>
        <source>The config has no route yet: add one to config.yaml (the Routes page shows the file), then come back here.</source>
        <translation>La configurazione non ha ancora nessuna route: aggiungine una a config.yaml (la pagina Route mostra il file), poi torna qui.</translation>
    </message>
    <message>
        <source>The config has a route to try at once: %1. Its model, %2, answers inside Portico by repeating your message back: no provider account, no network.</source>
        <translation>La configurazione ha una route da provare subito: %1. Il suo modello, %2, risponde dentro Portico ripetendo il tuo messaggio: nessun account presso un provider, nessuna rete.</translation>
    </message>
    <message>
        <source>The config&apos;s first route is %1, on %2/%3.</source>
        <translation>La prima route della configurazione è %1, su %2/%3.</translation>
    </message>
    <message>
        <source>The config&apos;s first route is %1.</source>
        <translation>La prima route della configurazione è %1.</translation>
    </message>
    <message>
        <source>Create a group named “%1” that grants %2 with a first key in it, then send it a test message through the gateway.</source>
        <translation>Crea un gruppo di nome «%1» che concede %2, con una prima chiave, poi invia un messaggio di prova alla route attraverso il gateway.</translation>
    </message>
    <message>
        <source>Made by the welcome of the first run; grants %1.</source>
        <translation>Creato dal benvenuto del primo avvio; concede %1.</translation>
    </message>
    <message>
        <source>Could not create the group: %1</source>
        <translation>Impossibile creare il gruppo: %1</translation>
    </message>
    <message>
        <source>Could not grant %1 to the group: %2</source>
        <translation>Impossibile concedere %1 al gruppo: %2</translation>
    </message>
    <message>
        <source>Could not create the key: %1</source>
        <translation>Impossibile creare la chiave: %1</translation>
    </message>
    <message>
        <source>Group “%1” and key “%2” created. Now send a test request.</source>
        <translation>Gruppo «%1» e chiave «%2» creati. Ora invia una richiesta di prova.</translation>
    </message>
    <message>
        <source>The gateway is not running: start it (Gateway → Start Gateway), then try again.</source>
        <translation>Il gateway non è in esecuzione: avvialo (Gateway → Avvia gateway), poi riprova.</translation>
    </message>
    <message>
        <source>Sending “%1” to %2…</source>
        <translation>Invio di «%1» a %2…</translation>
    </message>
    <message>
        <source>Answer from %1: %2</source>
        <translation>Risposta da %1: %2</translation>
    </message>
    <message>
        <source>The gateway answered %1: %2</source>
        <translation>Il gateway ha risposto %1: %2</translation>
    </message>
    <message>
        <source>No answer from the gateway: %1</source>
        <translation>Nessuna risposta dal gateway: %1</translation>
    </message>
</context>
</TS>
