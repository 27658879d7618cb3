<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Autostart</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>%1 kann nicht entfernt werden.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>PortOwner</name>
    <message>
        <source>Port %1 is in use by %2 (process %3).</source>
        <translation>Port %1 wird von %2 verwendet (Prozess %3).</translation>
    </message>
    <message>
        <source>Port %1 is in use by another program.</source>
        <translation>Port %1 wird von einem anderen Programm verwendet.</translation>
    </message>
</context>
<context>
    <name>StoreErrorText</name>
    <message>
        <source>Enter a name for the key.</source>
        <translation>Geben Sie einen Namen für den Schlüssel ein.</translation>
    </message>
    <message>
        <source>Enter a name for the group.</source>
        <translation>Geben Sie einen Namen für die Gruppe ein.</translation>
    </message>
    <message>
        <source>Enter a name for the route.</source>
        <translation>Geben Sie einen Namen für die Route ein.</translation>
    </message>
    <message>
        <source>The name is not valid text. Type it again.</source>
        <translation>Der Name ist kein gültiger Text. Geben Sie ihn erneut ein.</translation>
    </message>
    <message>
        <source>The name is too long: %1 characters, at most %2.</source>
        <translation>Der Name ist zu lang: %1 Zeichen, höchstens %2.</translation>
    </message>
    <message>
        <source>The name cannot contain control characters or line breaks.</source>
        <translation>Der Name darf keine Steuerzeichen oder Zeilenumbrüche enthalten.</translation>
    </message>
    <message>
        <source>The name contains an API key. Names are shown in lists and logs: choose a name without the key.</source>
        <translation>Der Name enthält einen API-Schlüssel. Namen werden in Listen und Logs angezeigt: Wählen Sie einen Namen ohne den Schlüssel.</translation>
    </message>
    <message>
        <source>A key named “%1” already exists.</source>
        <translation>Ein Schlüssel namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>A group named “%1” already exists.</source>
        <translation>Eine Gruppe namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>No key with UUID or name “%1”: it may have been deleted meanwhile.</source>
        <translation>Kein Schlüssel mit der UUID oder dem Namen „%1“: Er wurde möglicherweise inzwischen gelöscht.</translation>
    </message>
    <message>
        <source>No group with UUID or name “%1”: it may have been deleted meanwhile.</source>
        <translation>Keine Gruppe mit der UUID oder dem Namen „%1“: Sie wurde möglicherweise inzwischen gelöscht.</translation>
    </message>
    <message>
        <source>No key with that UUID or name. The value looks like an API key itself: refer to a key by its UUID or name.</source>
        <translation>Kein Schlüssel mit dieser UUID oder diesem Namen. Der Wert sieht selbst wie ein API-Schlüssel aus: Geben Sie einen Schlüssel über seine UUID oder seinen Namen an.</translation>
    </message>
    <message>
        <source>No group with that UUID or name (the value looks like an API key).</source>
        <translation>Keine Gruppe mit dieser UUID oder diesem Namen (der Wert sieht wie ein API-Schlüssel aus).</translation>
    </message>
    <message>
        <source>The key “%1” is not in the group “%2”.</source>
        <translation>Der Schlüssel „%1“ ist nicht in der Gruppe „%2“.</translation>
    </message>
    <message>
        <source>The group “%1” does not grant the route “%2”.</source>
        <translation>Die Gruppe „%1“ gibt die Route „%2“ nicht frei.</translation>
    </message>
    <message>
        <source>The system&apos;s random number generator failed, so no key was created. Try again.</source>
        <translation>Der Zufallszahlengenerator des Systems ist fehlgeschlagen, daher wurde kein Schlüssel erstellt. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The budget “%1” is not valid: enter an amount in USD of at least 0.</source>
        <translation>Das Budget „%1“ ist ungültig: Geben Sie einen Betrag in USD von mindestens 0 ein.</translation>
    </message>
    <message>
        <source>The limit “%1” is not valid: enter a whole number of at least 1.</source>
        <translation>Das Limit „%1“ ist ungültig: Geben Sie eine ganze Zahl von mindestens 1 ein.</translation>
    </message>
    <message>
        <source>“%1” is not an IP address or CIDR range, such as 192.168.1.0/24 or 2001:db8::/32.</source>
        <translation>„%1“ ist keine IP-Adresse und kein CIDR-Bereich wie 192.168.1.0/24 oder 2001:db8::/32.</translation>
    </message>
    <message>
        <source>The grace period “%1” is not valid: it must be 0 or more.</source>
        <translation>Die Übergangsfrist „%1“ ist ungültig: Sie muss 0 oder größer sein.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Portico: API keys, groups and routes, with a local OpenAI-compatible gateway.</source>
        <translation>Portico: API-Schlüssel, Gruppen und Routen, mit einem lokalen OpenAI-kompatiblen Gateway.</translation>
    </message>
    <message>
        <source>The store: an SQLite file or a PostgreSQL URI (env PORTICO_DB; default: the last one opened, else %1).</source>
        <translation>Die Datenbank: eine SQLite-Datei oder eine PostgreSQL-URI (Umgebungsvariable PORTICO_DB; Standard: die zuletzt geöffnete, sonst %1).</translation>
    </message>
    <message>
        <source>The config.yaml to use (env PORTICO_CONFIG).</source>
        <translation>Die zu verwendende config.yaml (Umgebungsvariable PORTICO_CONFIG).</translation>
    </message>
    <message>
        <source>Where the gateway listens (env PORTICO_LISTEN; default 127.0.0.1:8000).</source>
        <translation>Wo das Gateway lauscht (Umgebungsvariable PORTICO_LISTEN; Standard 127.0.0.1:8000).</translation>
    </message>
    <message>
        <source>Do not start the embedded gateway.</source>
        <translation>Das eingebettete Gateway nicht starten.</translation>
    </message>
    <message>
        <source>Portico</source>
        <translation>Portico</translation>
    </message>
    <message>
        <source>--listen %1 is not HOST:PORT: %2</source>
        <translation>--listen %1 ist nicht HOST:PORT: %2</translation>
    </message>
    <message>
        <source>Cannot open the store %1:
%2</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden:
%2</translation>
    </message>
    <message>
        <source>%1 does not load: %2</source>
        <translation>%1 lässt sich nicht laden: %2</translation>
    </message>
    <message>
        <source>Start in the tray, without the window (when the desktop has a tray; start at login uses it).</source>
        <translation>In der Systemleiste starten, ohne Fenster (wenn der Desktop eine Systemleiste hat; der Start bei der Anmeldung nutzt dies).</translation>
    </message>
</context>
<context>
    <name>portico::app::DesktopController</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>The new language shows after Portico restarts.</source>
        <translation>Die neue Sprache erscheint nach einem Neustart von Portico.</translation>
    </message>
</context>
<context>
    <name>portico::app::StoreOpener</name>
    <message>
        <source>The system keychain did not save the password: it is kept for this session only.</source>
        <translation>Der Schlüsselbund des Systems hat das Passwort nicht gespeichert: Es gilt nur für diese Sitzung.</translation>
    </message>
</context>
<context>
    <name>portico::ui::AddToGroupDialog</name>
    <message>
        <source>Add to Group</source>
        <translation>Zu Gruppe hinzufügen</translation>
    </message>
    <message>
        <source>Choose a group for “%1”. The key gains access to every route the group grants.</source>
        <translation>Wählen Sie eine Gruppe für „%1“. Der Schlüssel erhält Zugriff auf jede Route, die die Gruppe freigibt.</translation>
    </message>
    <message>
        <source>Search groups</source>
        <translation>Gruppen durchsuchen</translation>
    </message>
    <message>
        <source>The key is already in every group. Create a new group on the Groups page.</source>
        <translation>Der Schlüssel ist bereits in jeder Gruppe. Erstellen Sie auf der Seite „Gruppen“ eine neue Gruppe.</translation>
    </message>
    <message>
        <source>No group matches the search.</source>
        <translation>Keine Gruppe passt zur Suche.</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>This group grants no route yet.</source>
        <translation>Diese Gruppe gibt noch keine Route frei.</translation>
    </message>
    <message>
        <source>Routes this group grants: %1</source>
        <translation>Von dieser Gruppe freigegebene Routen: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::AllowedAddressesDialog</name>
    <message>
        <source>Allowed Addresses</source>
        <translation>Erlaubte Adressen</translation>
    </message>
    <message>
        <source>Client addresses the key “%1” may be used from: IP addresses or CIDR ranges, IPv4 or IPv6, one per line or separated by commas. Leave it empty to allow any address. Requests from elsewhere get 403.</source>
        <translation>Client-Adressen, von denen aus der Schlüssel „%1“ verwendet werden darf: IP-Adressen oder CIDR-Bereiche, IPv4 oder IPv6, eine pro Zeile oder durch Kommas getrennt. Leer lassen, um jede Adresse zu erlauben. Anfragen von anderswo erhalten 403.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
</context>
<context>
    <name>portico::ui::AuditPage</name>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>Every change to keys and groups, from this window or the command line: who made it, and what changed.</source>
        <translation>Jede Änderung an Schlüsseln und Gruppen, aus diesem Fenster oder der Befehlszeile: wer sie vorgenommen hat und was sich geändert hat.</translation>
    </message>
    <message>
        <source>All keys</source>
        <translation>Alle Schlüssel</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Alle Gruppen</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Alle Aktionen</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Could not read the audit trail: %1</source>
        <translation>Das Audit-Protokoll konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No change matches these filters.</source>
        <translation>Keine Änderung passt zu diesen Filtern.</translation>
    </message>
    <message>
        <source>No changes yet. Creating, renaming or deleting a key or a group adds a line here.</source>
        <translation>Noch keine Änderungen. Das Erstellen, Umbenennen oder Löschen eines Schlüssels oder einer Gruppe fügt hier eine Zeile hinzu.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Changes shown: %1 (scroll for more)</source>
        <translation>Angezeigte Änderungen: %1 (für mehr scrollen)</translation>
    </message>
    <message>
        <source>Changes shown: %1</source>
        <translation>Angezeigte Änderungen: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
</context>
<context>
    <name>portico::ui::AuditText</name>
    <message>
        <source>Every key change</source>
        <translation>Jede Schlüsseländerung</translation>
    </message>
    <message>
        <source>Every group change</source>
        <translation>Jede Gruppenänderung</translation>
    </message>
    <message>
        <source>Created key</source>
        <translation>Schlüssel erstellt</translation>
    </message>
    <message>
        <source>Renamed key</source>
        <translation>Schlüssel umbenannt</translation>
    </message>
    <message>
        <source>Enabled key</source>
        <translation>Schlüssel aktiviert</translation>
    </message>
    <message>
        <source>Disabled key</source>
        <translation>Schlüssel deaktiviert</translation>
    </message>
    <message>
        <source>Changed expiry</source>
        <translation>Ablauf geändert</translation>
    </message>
    <message>
        <source>Added to group</source>
        <translation>Zu Gruppe hinzugefügt</translation>
    </message>
    <message>
        <source>Removed from group</source>
        <translation>Aus Gruppe entfernt</translation>
    </message>
    <message>
        <source>Rotated secret</source>
        <translation>Schlüsselwert erneuert</translation>
    </message>
    <message>
        <source>Ended grace period</source>
        <translation>Übergangsfrist beendet</translation>
    </message>
    <message>
        <source>Changed key limits</source>
        <translation>Schlüssel-Limits geändert</translation>
    </message>
    <message>
        <source>Changed allowed addresses</source>
        <translation>Erlaubte Adressen geändert</translation>
    </message>
    <message>
        <source>Deleted key</source>
        <translation>Schlüssel gelöscht</translation>
    </message>
    <message>
        <source>Created group</source>
        <translation>Gruppe erstellt</translation>
    </message>
    <message>
        <source>Renamed group</source>
        <translation>Gruppe umbenannt</translation>
    </message>
    <message>
        <source>Changed description</source>
        <translation>Beschreibung geändert</translation>
    </message>
    <message>
        <source>Granted route</source>
        <translation>Route freigegeben</translation>
    </message>
    <message>
        <source>Revoked route</source>
        <translation>Route entzogen</translation>
    </message>
    <message>
        <source>Changed group limits</source>
        <translation>Gruppen-Limits geändert</translation>
    </message>
    <message>
        <source>Deleted group</source>
        <translation>Gruppe gelöscht</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>Befehlszeile</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>any address</source>
        <translation>jede Adresse</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Allowed addresses</source>
        <translation>Erlaubte Adressen</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Schlüsselwert</translation>
    </message>
    <message>
        <source>Old secret valid until</source>
        <translation>Alter Schlüsselwert gültig bis</translation>
    </message>
    <message>
        <source>Grace period (s)</source>
        <translation>Übergangsfrist (s)</translation>
    </message>
    <message>
        <source>Ended the grace of</source>
        <translation>Übergangsfrist beendet für</translation>
    </message>
</context>
<context>
    <name>portico::ui::ChangeExpiryDialog</name>
    <message>
        <source>Change Expiry</source>
        <translation>Ablauf ändern</translation>
    </message>
    <message>
        <source>When should the key “%1” stop working?</source>
        <translation>Wann soll der Schlüssel „%1“ aufhören zu funktionieren?</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
</context>
<context>
    <name>portico::ui::CreateKeyDialog</name>
    <message>
        <source>Create Key</source>
        <translation>Schlüssel erstellen</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>e.g. Production App Key</source>
        <translation>z. B. Produktions-App-Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Groups (optional)</source>
        <translation>&amp;Gruppen (optional)</translation>
    </message>
    <message>
        <source>The key can use every route granted by the groups it belongs to. You can add it to groups later.</source>
        <translation>Der Schlüssel kann jede Route nutzen, die seine Gruppen freigeben. Sie können ihn auch später zu Gruppen hinzufügen.</translation>
    </message>
    <message>
        <source>&amp;Expires</source>
        <translation>&amp;Läuft ab</translation>
    </message>
    <message>
        <source>Grants no route yet</source>
        <translation>Gibt noch keine Route frei</translation>
    </message>
    <message>
        <source>Grants: %1</source>
        <translation>Gibt frei: %1</translation>
    </message>
    <message>
        <source>Groups (optional)</source>
        <translation>Gruppen (optional)</translation>
    </message>
    <message>
        <source>There are no groups yet. Create one on the Groups page, then add the key to it from the key&apos;s details.</source>
        <translation>Es gibt noch keine Gruppen. Erstellen Sie eine auf der Seite „Gruppen“ und fügen Sie den Schlüssel dann in seinen Details hinzu.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>A name is required.</source>
        <translation>Ein Name ist erforderlich.</translation>
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
        <translation>Anfragen im Zeitverlauf</translation>
    </message>
    <message>
        <source>Cost over time (USD)</source>
        <translation>Kosten im Zeitverlauf (USD)</translation>
    </message>
    <message>
        <source>Requests by status</source>
        <translation>Anfragen nach Status</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>Kosten (USD)</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Top keys by cost</source>
        <translation>Top-Schlüssel nach Kosten</translation>
    </message>
    <message>
        <source>Top routes by requests</source>
        <translation>Top-Routen nach Anfragen</translation>
    </message>
    <message>
        <source>Prompt tokens</source>
        <translation>Eingabe-Tokens</translation>
    </message>
    <message>
        <source>Completion tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Could not read usage: %1</source>
        <translation>Die Nutzung konnte nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) expire within %1 days</source>
        <translation>
            <numerusform>%n Schlüssel läuft innerhalb von %1 Tagen ab</numerusform>
            <numerusform>%n Schlüssel laufen innerhalb von %1 Tagen ab</numerusform>
        </translation>
    </message>
    <message>
        <source>Show the Keys page: the Expires column flags them.</source>
        <translation>Die Seite „Schlüssel“ anzeigen: Die Spalte „Läuft ab“ markiert sie.</translation>
    </message>
</context>
<context>
    <name>portico::ui::ExpiryChooser</name>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>In 7 days</source>
        <translation>In 7 Tagen</translation>
    </message>
    <message>
        <source>In 30 days</source>
        <translation>In 30 Tagen</translation>
    </message>
    <message>
        <source>In 90 days</source>
        <translation>In 90 Tagen</translation>
    </message>
    <message>
        <source>In 1 year</source>
        <translation>In 1 Jahr</translation>
    </message>
    <message>
        <source>On a date…</source>
        <translation>Datum wählen…</translation>
    </message>
    <message>
        <source>Expiry date and time</source>
        <translation>Ablaufdatum und -uhrzeit</translation>
    </message>
    <message>
        <source>Choose a date and time in the future.</source>
        <translation>Wählen Sie ein Datum und eine Uhrzeit in der Zukunft.</translation>
    </message>
    <message>
        <source>The key never expires.</source>
        <translation>Der Schlüssel läuft nie ab.</translation>
    </message>
    <message>
        <source>The key will expire on %1; requests with it are refused from then on.</source>
        <translation>Der Schlüssel läuft am %1 ab; Anfragen damit werden ab dann abgelehnt.</translation>
    </message>
</context>
<context>
    <name>portico::ui::ExpiryText</name>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>in %n Tag</numerusform>
            <numerusform>in %n Tagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n hour(s)</source>
        <translation>
            <numerusform>in %n Stunde</numerusform>
            <numerusform>in %n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n minute(s)</source>
        <translation>
            <numerusform>in %n Minute</numerusform>
            <numerusform>in %n Minuten</numerusform>
        </translation>
    </message>
    <message>
        <source>in less than a minute</source>
        <translation>in weniger als einer Minute</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Expired on %1: requests with this key are refused</source>
        <translation>Abgelaufen am %1: Anfragen mit diesem Schlüssel werden abgelehnt</translation>
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
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>A group gives every key in it access to the routes it grants.</source>
        <translation>Eine Gruppe gibt jedem ihrer Schlüssel Zugriff auf die Routen, die sie freigibt.</translation>
    </message>
    <message>
        <source>New group name</source>
        <translation>Name der neuen Gruppe</translation>
    </message>
    <message>
        <source>Description (optional)</source>
        <translation>Beschreibung (optional)</translation>
    </message>
    <message>
        <source>Description of the new group</source>
        <translation>Beschreibung der neuen Gruppe</translation>
    </message>
    <message>
        <source>Create Group</source>
        <translation>Gruppe erstellen</translation>
    </message>
    <message>
        <source>Group Name</source>
        <translation>Gruppenname</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>Creation Date</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>No groups yet.

Type a name above and click Create Group, then tick the routes the group grants and add keys to it.</source>
        <translation>Noch keine Gruppen.

Geben Sie oben einen Namen ein und klicken Sie auf „Gruppe erstellen“. Haken Sie dann die Routen an, die die Gruppe freigibt, und fügen Sie Schlüssel hinzu.</translation>
    </message>
    <message>
        <source>Select a group to see its members and the routes it grants.</source>
        <translation>Wählen Sie eine Gruppe, um ihre Mitglieder und freigegebenen Routen zu sehen.</translation>
    </message>
    <message>
        <source>General Information</source>
        <translation>Allgemeine Informationen</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>UUID:</source>
        <translation>UUID:</translation>
    </message>
    <message>
        <source>Creation Date:</source>
        <translation>Erstellt:</translation>
    </message>
    <message>
        <source>Save Changes</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Delete Group…</source>
        <translation>Gruppe löschen…</translation>
    </message>
    <message>
        <source>Member Keys</source>
        <translation>Mitgliedsschlüssel</translation>
    </message>
    <message>
        <source>Key Name</source>
        <translation>Schlüsselname</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Key UUID</source>
        <translation>Schlüssel-UUID</translation>
    </message>
    <message>
        <source>Key to add</source>
        <translation>Hinzuzufügender Schlüssel</translation>
    </message>
    <message>
        <source>Add Key</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Remove from Group</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Granted Routes</source>
        <translation>Freigegebene Routen</translation>
    </message>
    <message>
        <source>Every key in this group can call the checked routes of config.yaml.</source>
        <translation>Jeder Schlüssel dieser Gruppe kann die angehakten Routen der config.yaml aufrufen.</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>A group&apos;s limits are shared by all its keys: their requests count together, and each request must also fit the key&apos;s own limits.</source>
        <translation>Die Limits einer Gruppe teilen sich alle ihre Schlüssel: Ihre Anfragen zählen zusammen, und jede Anfrage muss außerdem in die eigenen Limits des Schlüssels passen.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Could not read the groups: %1</source>
        <translation>Die Gruppen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>No keys yet</source>
        <translation>Noch keine Schlüssel</translation>
    </message>
    <message>
        <source>Every key is in this group</source>
        <translation>Jeder Schlüssel ist in dieser Gruppe</translation>
    </message>
    <message>
        <source>%1 — missing from config.yaml</source>
        <translation>%1 – fehlt in der config.yaml</translation>
    </message>
    <message>
        <source>This group still grants “%1”, but config.yaml no longer defines it: requests to it fail until the route is back. Untick it to drop the grant.</source>
        <translation>Diese Gruppe gibt „%1“ noch frei, aber die config.yaml definiert die Route nicht mehr: Anfragen daran schlagen fehl, bis die Route zurück ist. Entfernen Sie den Haken, um die Freigabe aufzuheben.</translation>
    </message>
    <message>
        <source>Models: %1</source>
        <translation>Modelle: %1</translation>
    </message>
    <message>
        <source>config.yaml defines no routes yet. Add routes there, then tick them here.</source>
        <translation>Die config.yaml definiert noch keine Routen. Fügen Sie dort Routen hinzu und haken Sie sie dann hier an.</translation>
    </message>
    <message>
        <source>Could not create the group: %1</source>
        <translation>Die Gruppe konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Could not rename the group: %1</source>
        <translation>Die Gruppe konnte nicht umbenannt werden: %1</translation>
    </message>
    <message>
        <source>Could not change the description: %1</source>
        <translation>Die Beschreibung konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>It grants no routes, so no key loses access.</source>
        <translation>Sie gibt keine Routen frei, daher verliert kein Schlüssel Zugriff.</translation>
    </message>
    <message>
        <source>It grants: %1.</source>
        <translation>Sie gibt frei: %1.</translation>
    </message>
    <message>
        <source>No key is in this group, so no key loses access.</source>
        <translation>Kein Schlüssel ist in dieser Gruppe, daher verliert kein Schlüssel Zugriff.</translation>
    </message>
    <message numerus="yes">
        <source>Its %n key(s) lose no access: other groups grant the same routes.</source>
        <translation>
            <numerusform>Ihr Schlüssel verliert keinen Zugriff: Andere Gruppen geben dieselben Routen frei.</numerusform>
            <numerusform>Ihre %n Schlüssel verlieren keinen Zugriff: Andere Gruppen geben dieselben Routen frei.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) will lose access:</source>
        <translation>
            <numerusform>%n Schlüssel verliert Zugriff:</numerusform>
            <numerusform>%n Schlüssel verlieren Zugriff:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>• %1: %n key(s)</source>
        <translation>
            <numerusform>• %1: %n Schlüssel</numerusform>
            <numerusform>• %1: %n Schlüssel</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n other key(s) keep their access through other groups.</source>
        <translation>
            <numerusform>%n weiterer Schlüssel behält seinen Zugriff über andere Gruppen.</numerusform>
            <numerusform>%n weitere Schlüssel behalten ihren Zugriff über andere Gruppen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The keys themselves are not deleted. This cannot be undone.</source>
        <translation>Die Schlüssel selbst werden nicht gelöscht. Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete Group</source>
        <translation>Gruppe löschen</translation>
    </message>
    <message>
        <source>Delete the group “%1”?</source>
        <translation>Die Gruppe „%1“ löschen?</translation>
    </message>
    <message>
        <source>Could not delete the group: %1</source>
        <translation>Die Gruppe konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Could not add the key to the group: %1</source>
        <translation>Der Schlüssel konnte nicht zur Gruppe hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>Could not remove the key from the group: %1</source>
        <translation>Der Schlüssel konnte nicht aus der Gruppe entfernt werden: %1</translation>
    </message>
    <message>
        <source>Could not change the routes of the group: %1</source>
        <translation>Die Routen der Gruppe konnten nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>Limits of “%1”</source>
        <translation>Limits von „%1“</translation>
    </message>
    <message>
        <source>What the keys of “%1” may use together. Each key&apos;s own limits apply too.</source>
        <translation>Was die Schlüssel von „%1“ zusammen nutzen dürfen. Die eigenen Limits jedes Schlüssels gelten ebenfalls.</translation>
    </message>
</context>
<context>
    <name>portico::ui::HistorySection</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>No changes recorded.</source>
        <translation>Keine Änderungen aufgezeichnet.</translation>
    </message>
    <message>
        <source>Show all in Audit</source>
        <translation>Alle im Audit anzeigen</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Could not read the history: %1</source>
        <translation>Der Verlauf konnte nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeyActionsDelegate</name>
    <message>
        <source>View</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeyDetailPanel</name>
    <message>
        <source>Select a key to see its details.</source>
        <translation>Wählen Sie einen Schlüssel, um seine Details zu sehen.</translation>
    </message>
    <message>
        <source>General Information</source>
        <translation>Allgemeine Informationen</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <source>Rename the key (F2). The key value itself never changes.</source>
        <translation>Den Schlüssel umbenennen (F2). Der Schlüsselwert selbst ändert sich nie.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the UUID</source>
        <translation>Die UUID kopieren</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>The key is masked for security: it was shown only at creation.</source>
        <translation>Der Schlüssel ist aus Sicherheitsgründen maskiert: Er wurde nur bei der Erstellung angezeigt.</translation>
    </message>
    <message>
        <source>Rotate Secret…</source>
        <translation>Erneuern…</translation>
    </message>
    <message>
        <source>Give the key a new secret; the old one can keep working for a grace period.</source>
        <translation>Dem Schlüssel einen neuen Schlüsselwert geben; der alte kann während einer Übergangsfrist weiter funktionieren.</translation>
    </message>
    <message>
        <source>API Key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Previous Secret</source>
        <translation>Vorheriger Wert</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Change when the key stops working</source>
        <translation>Ändern, wann der Schlüssel aufhört zu funktionieren</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Creation Date</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Last Used</source>
        <translation>Letzte Nutzung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Associated Groups</source>
        <translation>Zugeordnete Gruppen</translation>
    </message>
    <message>
        <source>Group Name</source>
        <translation>Gruppenname</translation>
    </message>
    <message>
        <source>Group UUID</source>
        <translation>Gruppen-UUID</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>This key is in no group, so it cannot reach any route. Add it to a group.</source>
        <translation>Dieser Schlüssel ist in keiner Gruppe und erreicht daher keine Route. Fügen Sie ihn zu einer Gruppe hinzu.</translation>
    </message>
    <message>
        <source>Add to Group</source>
        <translation>Zu Gruppe hinzufügen</translation>
    </message>
    <message>
        <source>The key gains access to every route associated with the group.</source>
        <translation>Der Schlüssel erhält Zugriff auf jede Route, die der Gruppe zugeordnet ist.</translation>
    </message>
    <message>
        <source>Accessible Routes</source>
        <translation>Erreichbare Routen</translation>
    </message>
    <message>
        <source>Route Name</source>
        <translation>Routenname</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>No accessible routes: none of this key&apos;s groups grants a route.</source>
        <translation>Keine erreichbaren Routen: Keine Gruppe dieses Schlüssels gibt eine Route frei.</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Allowed Addresses</source>
        <translation>Erlaubte Adressen</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Choose the client addresses the key may be used from</source>
        <translation>Die Client-Adressen wählen, von denen aus der Schlüssel verwendet werden darf</translation>
    </message>
    <message>
        <source>Usage (last 30 days)</source>
        <translation>Nutzung (letzte 30 Tage)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Delete Key…</source>
        <translation>Schlüssel löschen…</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Disabled: requests with this key are refused</source>
        <translation>Deaktiviert: Anfragen mit diesem Schlüssel werden abgelehnt</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Any address</source>
        <translation>Jede Adresse</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the key from “%1”</source>
        <translation>Den Schlüssel aus „%1“ entfernen</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>Missing from config.yaml</source>
        <translation>Fehlt in der config.yaml</translation>
    </message>
    <message>
        <source>The group grants “%1” but the current config.yaml has no such route: requests to it are refused with 404.</source>
        <translation>Die Gruppe gibt „%1“ frei, aber die aktuelle config.yaml hat keine solche Route: Anfragen daran werden mit 404 abgelehnt.</translation>
    </message>
    <message>
        <source>A name is required.</source>
        <translation>Ein Name ist erforderlich.</translation>
    </message>
    <message>
        <source>Could Not Change the State</source>
        <translation>Zustand konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>Could Not Remove the Key from the Group</source>
        <translation>Schlüssel konnte nicht aus der Gruppe entfernt werden</translation>
    </message>
    <message>
        <source>Could Not Read the Groups</source>
        <translation>Gruppen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could Not Add the Key to the Group</source>
        <translation>Schlüssel konnte nicht zur Gruppe hinzugefügt werden</translation>
    </message>
    <message>
        <source>Limits of “%1”</source>
        <translation>Limits von „%1“</translation>
    </message>
    <message>
        <source>What the key “%1” may use. Its groups&apos; limits apply too: a request must fit all of them.</source>
        <translation>Was der Schlüssel „%1“ nutzen darf. Die Limits seiner Gruppen gelten ebenfalls: Eine Anfrage muss in alle passen.</translation>
    </message>
    <message>
        <source>End the Grace Period?</source>
        <translation>Übergangsfrist beenden?</translation>
    </message>
    <message>
        <source>Refuse the previous secret %1 of “%2” from now on?</source>
        <translation>Den vorherigen Schlüsselwert %1 von „%2“ ab sofort ablehnen?</translation>
    </message>
    <message>
        <source>Applications that still use it get 401 at once. Only the current secret keeps working.</source>
        <translation>Anwendungen, die ihn noch verwenden, erhalten sofort 401. Nur der aktuelle Schlüsselwert funktioniert weiter.</translation>
    </message>
    <message>
        <source>Could Not End the Grace Period</source>
        <translation>Übergangsfrist konnte nicht beendet werden</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeyUsageSummary</name>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>Anfragen:</translation>
    </message>
    <message>
        <source>Tokens (prompt / completion):</source>
        <translation>Tokens (Ein-/Ausgabe):</translation>
    </message>
    <message>
        <source>Cost:</source>
        <translation>Kosten:</translation>
    </message>
    <message>
        <source>Last used:</source>
        <translation>Zuletzt verwendet:</translation>
    </message>
    <message>
        <source>Could not read usage: %1</source>
        <translation>Die Nutzung konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeysPage</name>
    <message>
        <source>&amp;New Key…</source>
        <translation>&amp;Neuer Schlüssel…</translation>
    </message>
    <message>
        <source>&amp;Delete Key…</source>
        <translation>Schlüssel &amp;löschen…</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen…</translation>
    </message>
    <message>
        <source>&amp;Copy UUID</source>
        <translation>UUID &amp;kopieren</translation>
    </message>
    <message>
        <source>&amp;Rename Key</source>
        <translation>Schlüssel &amp;umbenennen</translation>
    </message>
    <message>
        <source>R&amp;otate Secret…</source>
        <translation>Schlüsselwert &amp;erneuern…</translation>
    </message>
    <message>
        <source>API Keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Search by name or UUID</source>
        <translation>Nach Name oder UUID suchen</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Alle Gruppen</translation>
    </message>
    <message>
        <source>Show only the keys of one group</source>
        <translation>Nur die Schlüssel einer Gruppe anzeigen</translation>
    </message>
    <message>
        <source>Create Key</source>
        <translation>Schlüssel erstellen</translation>
    </message>
    <message>
        <source>Create a new API key (%1)</source>
        <translation>Einen neuen API-Schlüssel erstellen (%1)</translation>
    </message>
    <message>
        <source>No API keys yet. Click Create Key to make the first one.</source>
        <translation>Noch keine API-Schlüssel. Klicken Sie auf „Schlüssel erstellen“, um den ersten anzulegen.</translation>
    </message>
    <message>
        <source>A key authenticates requests to the gateway. Put it in a group to give it access to the group&apos;s routes.</source>
        <translation>Ein Schlüssel authentifiziert Anfragen an das Gateway. Fügen Sie ihn einer Gruppe hinzu, um ihm Zugriff auf die Routen der Gruppe zu geben.</translation>
    </message>
    <message>
        <source>No key matches the search or the group filter.</source>
        <translation>Kein Schlüssel passt zur Suche oder zum Gruppenfilter.</translation>
    </message>
    <message>
        <source>Clear Search and Filter</source>
        <translation>Suche und Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Could not read the keys: %1</source>
        <translation>Die Schlüssel konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>1 key</source>
        <translation>1 Schlüssel</translation>
    </message>
    <message>
        <source>%1 keys</source>
        <translation>%1 Schlüssel</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Key “%1” created.</source>
        <translation>Schlüssel „%1“ erstellt.</translation>
    </message>
    <message>
        <source>Key “%1” has a new secret.</source>
        <translation>Schlüssel „%1“ hat einen neuen Schlüsselwert.</translation>
    </message>
    <message>
        <source>Deleting a key:</source>
        <translation>Das Löschen eines Schlüssels:</translation>
    </message>
    <message>
        <source>is irreversible;</source>
        <translation>ist endgültig;</translation>
    </message>
    <message>
        <source>removes the key from all groups;</source>
        <translation>entfernt den Schlüssel aus allen Gruppen;</translation>
    </message>
    <message>
        <source>immediately invalidates all future requests with this key.</source>
        <translation>macht alle künftigen Anfragen mit diesem Schlüssel sofort ungültig.</translation>
    </message>
    <message>
        <source>Historical metrics remain available.</source>
        <translation>Die bisherigen Messwerte bleiben verfügbar.</translation>
    </message>
    <message>
        <source>Delete Key?</source>
        <translation>Schlüssel löschen?</translation>
    </message>
    <message>
        <source>Delete the key “%1”?</source>
        <translation>Den Schlüssel „%1“ löschen?</translation>
    </message>
    <message>
        <source>Could Not Delete the Key</source>
        <translation>Schlüssel konnte nicht gelöscht werden</translation>
    </message>
    <message>
        <source>Key “%1” deleted.</source>
        <translation>Schlüssel „%1“ gelöscht.</translation>
    </message>
    <message>
        <source>UUID copied.</source>
        <translation>UUID kopiert.</translation>
    </message>
</context>
<context>
    <name>portico::ui::KeysTableModel</name>
    <message>
        <source>No group</source>
        <translation>Keine Gruppe</translation>
    </message>
    <message>
        <source>%1 (disabled)</source>
        <translation>%1 (deaktiviert)</translation>
    </message>
    <message>
        <source>Key Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Accessible Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>Creation Date</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
</context>
<context>
    <name>portico::ui::LimitsDialog</name>
    <message>
        <source>&amp;Requests per minute</source>
        <translation>&amp;Anfragen pro Minute</translation>
    </message>
    <message>
        <source>&amp;Tokens per minute</source>
        <translation>&amp;Tokens pro Minute</translation>
    </message>
    <message>
        <source>Prompt and completion tokens together.</source>
        <translation>Eingabe- und Ausgabe-Tokens zusammen.</translation>
    </message>
    <message>
        <source>&amp;Parallel requests</source>
        <translation>&amp;Parallele Anfragen</translation>
    </message>
    <message>
        <source>How many requests may be in progress at the same time.</source>
        <translation>Wie viele Anfragen gleichzeitig in Bearbeitung sein dürfen.</translation>
    </message>
    <message>
        <source>&amp;Budget</source>
        <translation>&amp;Budget</translation>
    </message>
    <message>
        <source>Spending in USD per calendar day or month (UTC), at the prices of config.yaml. Requests are refused once it is spent.</source>
        <translation>Ausgaben in USD pro Kalendertag oder -monat (UTC), zu den Preisen der config.yaml. Sobald es aufgebraucht ist, werden Anfragen abgelehnt.</translation>
    </message>
    <message>
        <source>per day</source>
        <translation>pro Tag</translation>
    </message>
    <message>
        <source>per month</source>
        <translation>pro Monat</translation>
    </message>
    <message>
        <source>Budget period</source>
        <translation>Budgetzeitraum</translation>
    </message>
    <message>
        <source>Untick a limit to remove it. Over a limit, requests get 429 with the time to retry; a spent budget, 429 insufficient_quota.</source>
        <translation>Entfernen Sie den Haken bei einem Limit, um es aufzuheben. Über einem Limit erhalten Anfragen 429 mit der Wartezeit bis zum erneuten Versuch; bei aufgebrauchtem Budget 429 insufficient_quota.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n Anfrage</numerusform>
            <numerusform>%n Anfragen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n Token</numerusform>
            <numerusform>%n Tokens</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n at once</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n gleichzeitig</numerusform>
            <numerusform>%n gleichzeitig</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::LimitsView</name>
    <message>
        <source>Requests per minute:</source>
        <translation>Anfragen pro Minute:</translation>
    </message>
    <message>
        <source>Tokens per minute:</source>
        <translation>Tokens pro Minute:</translation>
    </message>
    <message>
        <source>Parallel requests:</source>
        <translation>Parallele Anfragen:</translation>
    </message>
    <message>
        <source>Budget:</source>
        <translation>Budget:</translation>
    </message>
    <message>
        <source>Edit Limits…</source>
        <translation>Limits bearbeiten…</translation>
    </message>
    <message>
        <source>%1 of %2 this minute</source>
        <translation>%1 von %2 in dieser Minute</translation>
    </message>
    <message>
        <source>No limit (%1 this minute)</source>
        <translation>Kein Limit (%1 in dieser Minute)</translation>
    </message>
    <message>
        <source>At most %1 at once</source>
        <translation>Höchstens %1 gleichzeitig</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Kein Limit</translation>
    </message>
    <message>
        <source>%1 of %2 today, resets %3</source>
        <translation>%1 von %2 heute (bis %3)</translation>
    </message>
    <message>
        <source>%1 of %2 this month, resets %3</source>
        <translation>%1 von %2 diesen Monat (bis %3)</translation>
    </message>
    <message>
        <source>No budget</source>
        <translation>Kein Budget</translation>
    </message>
    <message>
        <source>Could not read the current use: %1</source>
        <translation>Die aktuelle Nutzung konnte nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::LogsPage</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Show only the entries at or above this level</source>
        <translation>Nur die Einträge ab dieser Stufe anzeigen</translation>
    </message>
    <message>
        <source>Filter by any column…</source>
        <translation>Nach beliebiger Spalte filtern…</translation>
    </message>
    <message>
        <source>Live &amp;tail</source>
        <translation>Live &amp;verfolgen</translation>
    </message>
    <message>
        <source>Keep the newest entry in view as entries arrive</source>
        <translation>Den neuesten Eintrag im Blick behalten, wenn Einträge eintreffen</translation>
    </message>
    <message>
        <source>C&amp;lear View</source>
        <translation>Ansicht &amp;leeren</translation>
    </message>
    <message>
        <source>Remove the entries shown here; the gateway&apos;s log itself is kept</source>
        <translation>Die hier angezeigten Einträge entfernen; das Log des Gateways selbst bleibt erhalten</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>S&amp;tufe:</translation>
    </message>
    <message numerus="yes">
        <source>%n entry(s)</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n entry(s) shown</source>
        <translation>
            <numerusform>%1 von %n Eintrag angezeigt</numerusform>
            <numerusform>%1 von %n Einträgen angezeigt</numerusform>
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
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
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
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Logs</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Store…</source>
        <translation>Datenbank &amp;öffnen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Keys</source>
        <translation>&amp;Schlüssel</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>&amp;Gruppen</translation>
    </message>
    <message>
        <source>&amp;Routes</source>
        <translation>&amp;Routen</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>&amp;Usage</source>
        <translation>&amp;Nutzung</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>&amp;Logs</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>&amp;Audit</translation>
    </message>
    <message>
        <source>&amp;Gateway</source>
        <translation>&amp;Gateway</translation>
    </message>
    <message>
        <source>&amp;Start Gateway</source>
        <translation>Gateway &amp;starten</translation>
    </message>
    <message>
        <source>S&amp;top Gateway</source>
        <translation>Gateway &amp;anhalten</translation>
    </message>
    <message>
        <source>Use Another &amp;Port…</source>
        <translation>Anderen &amp;Port verwenden…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Portico</source>
        <translation>&amp;Über Portico</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Use Another Port…</source>
        <translation>Anderen Port verwenden…</translation>
    </message>
    <message>
        <source>Shared store: %1</source>
        <translation>Gemeinsame Datenbank: %1</translation>
    </message>
    <message>
        <source>Store: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>Gateway starting…</source>
        <translation>Gateway startet…</translation>
    </message>
    <message>
        <source>Gateway listening on http://%1</source>
        <translation>Gateway lauscht auf http://%1</translation>
    </message>
    <message>
        <source>Gateway not running: %1</source>
        <translation>Gateway läuft nicht: %1</translation>
    </message>
    <message>
        <source>Gateway stopped</source>
        <translation>Gateway angehalten</translation>
    </message>
    <message>
        <source>Use Another Port</source>
        <translation>Anderen Port verwenden</translation>
    </message>
    <message>
        <source>Port for the gateway on this computer (1024–65535):</source>
        <translation>Port für das Gateway auf diesem Computer (1024–65535):</translation>
    </message>
    <message>
        <source>About Portico</source>
        <translation>Über Portico</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Portico %1&lt;/h3&gt;&lt;p&gt;A desktop admin app with a local, OpenAI-compatible AI gateway.&lt;/p&gt;&lt;p&gt;API keys authenticate requests; groups give keys access to the routes of config.yaml.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Portico %1&lt;/h3&gt;&lt;p&gt;Eine Desktop-Verwaltungs-App mit einem lokalen, OpenAI-kompatiblen KI-Gateway.&lt;/p&gt;&lt;p&gt;API-Schlüssel authentifizieren Anfragen; Gruppen geben Schlüsseln Zugriff auf die Routen der config.yaml.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
</context>
<context>
    <name>portico::ui::OneTimeKeyDialog</name>
    <message>
        <source>API Key Rotated</source>
        <translation>API-Schlüssel erneuert</translation>
    </message>
    <message>
        <source>API Key Created</source>
        <translation>API-Schlüssel erstellt</translation>
    </message>
    <message>
        <source>New secret for “%1”</source>
        <translation>Neuer Schlüsselwert für „%1“</translation>
    </message>
    <message>
        <source>Key “%1” created</source>
        <translation>Schlüssel „%1“ erstellt</translation>
    </message>
    <message>
        <source>Save this new secret now. It is shown only once and cannot be retrieved later.</source>
        <translation>Speichern Sie diesen neuen Schlüsselwert jetzt. Er wird nur einmal angezeigt und kann später nicht abgerufen werden.</translation>
    </message>
    <message>
        <source>Save this key now. It is shown only once and cannot be retrieved later.</source>
        <translation>Speichern Sie diesen Schlüssel jetzt. Er wird nur einmal angezeigt und kann später nicht abgerufen werden.</translation>
    </message>
    <message>
        <source>Put it in your applications in place of the old one. If it is lost, rotate the key again.</source>
        <translation>Setzen Sie ihn in Ihren Anwendungen anstelle des alten ein. Geht er verloren, erneuern Sie den Schlüsselwert noch einmal.</translation>
    </message>
    <message>
        <source>You need it to authenticate requests. If it is lost, create a new key and delete this one.</source>
        <translation>Sie benötigen ihn, um Anfragen zu authentifizieren. Geht er verloren, erstellen Sie einen neuen Schlüssel und löschen diesen.</translation>
    </message>
    <message>
        <source>The previous secret keeps working until %1, then requests with it are refused.</source>
        <translation>Der vorherige Schlüsselwert funktioniert bis %1, danach werden Anfragen damit abgelehnt.</translation>
    </message>
    <message>
        <source>The previous secret no longer works: requests with it are refused.</source>
        <translation>Der vorherige Schlüsselwert funktioniert nicht mehr: Anfragen damit werden abgelehnt.</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API-&amp;Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copied. The clipboard will be cleared in 60 seconds.</source>
        <translation>Kopiert. Die Zwischenablage wird in 60 Sekunden geleert.</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>Verwendung</translation>
    </message>
    <message>
        <source>curl</source>
        <translation>curl</translation>
    </message>
    <message>
        <source>Python (OpenAI SDK)</source>
        <translation>Python (OpenAI SDK)</translation>
    </message>
    <message>
        <source>JavaScript (fetch)</source>
        <translation>JavaScript (fetch)</translation>
    </message>
    <message>
        <source>This key is in no group that grants a route yet, so requests will be refused until you add it to one. The examples use the route “%1”.</source>
        <translation>Dieser Schlüssel ist noch in keiner Gruppe, die eine Route freigibt, daher werden Anfragen abgelehnt, bis Sie ihn einer hinzufügen. Die Beispiele verwenden die Route „%1“.</translation>
    </message>
    <message>
        <source>The examples use the route “%1”, which this key can reach.</source>
        <translation>Die Beispiele verwenden die Route „%1“, die dieser Schlüssel erreichen kann.</translation>
    </message>
    <message>
        <source>The gateway is stopped: start it from the Gateway menu.</source>
        <translation>Das Gateway ist angehalten: Starten Sie es über das Menü „Gateway“.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Copy Example</source>
        <translation>Beispiel kopieren</translation>
    </message>
    <message>
        <source>Close Without Copying?</source>
        <translation>Ohne Kopieren schließen?</translation>
    </message>
    <message>
        <source>You have not copied the key. Once this window is closed it cannot be shown again.</source>
        <translation>Sie haben den Schlüssel nicht kopiert. Sobald dieses Fenster geschlossen ist, kann er nicht erneut angezeigt werden.</translation>
    </message>
    <message>
        <source>Close anyway, or go back and copy it?</source>
        <translation>Trotzdem schließen oder zurückgehen und ihn kopieren?</translation>
    </message>
</context>
<context>
    <name>portico::ui::OpenStoreDialog</name>
    <message>
        <source>Open Store</source>
        <translation>Datenbank öffnen</translation>
    </message>
    <message>
        <source>A file on this computer (SQLite)</source>
        <translation>Eine Datei auf diesem Computer (SQLite)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Store File</source>
        <translation>Datenbankdatei</translation>
    </message>
    <message>
        <source>Portico stores (*.db);;All files (*)</source>
        <translation>Portico-Datenbanken (*.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>A PostgreSQL database shared by several gateways</source>
        <translation>Eine PostgreSQL-Datenbank, die sich mehrere Gateways teilen</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <source>TLS mode:</source>
        <translation>TLS-Modus:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Remember password in the system keychain</source>
        <translation>Passwort im Schlüsselbund des Systems speichern</translation>
    </message>
    <message>
        <source>The password is never written to the settings file. Leave it empty to use the one saved in the system keychain, else PGPASSWORD or ~/.pgpass.</source>
        <translation>Das Passwort wird nie in die Einstellungsdatei geschrieben. Leer lassen, um das im Schlüsselbund des Systems gespeicherte zu verwenden, sonst PGPASSWORD oder ~/.pgpass.</translation>
    </message>
    <message>
        <source>Choose a file for the store.</source>
        <translation>Wählen Sie eine Datei für die Datenbank.</translation>
    </message>
    <message>
        <source>Enter the host, the database and the user.</source>
        <translation>Geben Sie den Host, die Datenbank und den Benutzer ein.</translation>
    </message>
</context>
<context>
    <name>portico::ui::PeriodSelector</name>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Benutzerdefiniert</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
</context>
<context>
    <name>portico::ui::PreviousSecretView</name>
    <message>
        <source>End Grace Period Now…</source>
        <translation>Übergangsfrist beenden…</translation>
    </message>
    <message>
        <source>Refuse the previous secret from now on.</source>
        <translation>Den vorherigen Schlüsselwert ab sofort ablehnen.</translation>
    </message>
    <message>
        <source>Previous secret %1 works until %2</source>
        <translation>Vorheriger Wert %1 gilt bis %2</translation>
    </message>
    <message>
        <source>Previous secret %1 stopped working at %2</source>
        <translation>Vorheriger Wert %1 gilt seit %2 nicht mehr</translation>
    </message>
    <message>
        <source>Reading who still uses it…</source>
        <translation>Wird ermittelt, wer ihn noch verwendet…</translation>
    </message>
    <message>
        <source>Old secret not used in the last hour.</source>
        <translation>Alter Wert in der letzten Stunde nicht verwendet.</translation>
    </message>
    <message numerus="yes">
        <source>Old secret used %n time(s) in the last hour, last at %1.</source>
        <translation>
            <numerusform>Alter Wert in der letzten Stunde einmal verwendet, zuletzt um %1.</numerusform>
            <numerusform>Alter Wert in der letzten Stunde %n-mal verwendet, zuletzt um %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::RotateKeyDialog</name>
    <message>
        <source>Rotate Secret</source>
        <translation>Schlüsselwert erneuern</translation>
    </message>
    <message>
        <source>Rotate the secret of “%1”</source>
        <translation>Den Schlüsselwert von „%1“ erneuern</translation>
    </message>
    <message>
        <source>The key gets a new secret, shown once. Its UUID, name, groups, limits and usage history stay. Requests with the current secret (%1) keep working for the grace period you choose, so your applications can switch without an outage.</source>
        <translation>Der Schlüssel erhält einen neuen Schlüsselwert, der einmal angezeigt wird. UUID, Name, Gruppen, Limits und Nutzungsverlauf bleiben erhalten. Anfragen mit dem aktuellen Schlüsselwert (%1) funktionieren während der gewählten Übergangsfrist weiter, sodass Ihre Anwendungen ohne Ausfall umstellen können.</translation>
    </message>
    <message>
        <source>This key is already in a grace period: its previous secret %1 works until %2. Rotating again ends that grace period at once, so requests still using %1 are refused from now on.</source>
        <translation>Dieser Schlüssel ist bereits in einer Übergangsfrist: Sein vorheriger Schlüsselwert %1 funktioniert bis %2. Eine weitere Erneuerung beendet diese Übergangsfrist sofort: Anfragen, die noch %1 verwenden, werden ab dann abgelehnt.</translation>
    </message>
    <message>
        <source>How long should the current secret keep working?</source>
        <translation>Wie lange soll der aktuelle Schlüsselwert weiter funktionieren?</translation>
    </message>
    <message>
        <source>&amp;Stop it now (no grace period)</source>
        <translation>&amp;Sofort sperren (keine Übergangsfrist)</translation>
    </message>
    <message>
        <source>For &amp;1 hour</source>
        <translation>Für &amp;1 Stunde</translation>
    </message>
    <message>
        <source>For &amp;24 hours</source>
        <translation>Für &amp;24 Stunden</translation>
    </message>
    <message>
        <source>For &amp;7 days</source>
        <translation>Für &amp;7 Tage</translation>
    </message>
    <message>
        <source>&amp;For</source>
        <translation>&amp;Für</translation>
    </message>
    <message>
        <source>Grace period length</source>
        <translation>Dauer der Übergangsfrist</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>Grace period unit</source>
        <translation>Einheit der Übergangsfrist</translation>
    </message>
    <message>
        <source>Requests with the current secret are refused as soon as you rotate. Use this when the secret has leaked.</source>
        <translation>Anfragen mit dem aktuellen Schlüsselwert werden abgelehnt, sobald Sie erneuern. Verwenden Sie dies, wenn der Schlüsselwert kompromittiert wurde.</translation>
    </message>
    <message>
        <source>Both secrets work until about %1; then only the new one does. The detail panel shows who still uses the old one.</source>
        <translation>Beide Schlüsselwerte funktionieren bis etwa %1, danach nur noch der neue. Das Detailfenster zeigt, wer den alten noch verwendet.</translation>
    </message>
</context>
<context>
    <name>portico::ui::RoutesPage</name>
    <message>
        <source>Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>The routes defined in config.yaml. A request names a route in its “model” field; a key can call a route when one of its groups grants it.</source>
        <translation>Die in der config.yaml definierten Routen. Eine Anfrage nennt eine Route in ihrem Feld „model“; ein Schlüssel kann eine Route aufrufen, wenn eine seiner Gruppen sie freigibt.</translation>
    </message>
    <message>
        <source>Config file:</source>
        <translation>Konfigurationsdatei:</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Read config.yaml again</source>
        <translation>Die config.yaml erneut lesen</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Chat Models</source>
        <translation>Chat-Modelle</translation>
    </message>
    <message>
        <source>Embedding Models</source>
        <translation>Embedding-Modelle</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Fallbacks</source>
        <translation>Fallbacks</translation>
    </message>
    <message>
        <source>Granted To</source>
        <translation>Freigegeben für</translation>
    </message>
    <message>
        <source>Try It</source>
        <translation>Ausprobieren</translation>
    </message>
    <message>
        <source>curl example</source>
        <translation>curl-Beispiel</translation>
    </message>
    <message>
        <source>&amp;Copy Example</source>
        <translation>Beispiel &amp;kopieren</translation>
    </message>
    <message>
        <source>Problems in config.yaml</source>
        <translation>Probleme in der config.yaml</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>Kopiert.</translation>
    </message>
    <message>
        <source>built-in default config (no file)</source>
        <translation>eingebaute Standardkonfiguration (keine Datei)</translation>
    </message>
    <message>
        <source>no group</source>
        <translation>keine Gruppe</translation>
    </message>
    <message>
        <source>No group grants this route yet, so no key can call it. Tick it on the Groups page.</source>
        <translation>Noch keine Gruppe gibt diese Route frei, daher kann kein Schlüssel sie aufrufen. Haken Sie sie auf der Seite „Gruppen“ an.</translation>
    </message>
    <message>
        <source>%1 (granted by %2)</source>
        <translation>%1 (freigegeben von %2)</translation>
    </message>
    <message>
        <source>Granted by groups but missing from config.yaml: %1. Requests to these routes fail until config.yaml defines them again.</source>
        <translation>Von Gruppen freigegeben, aber in der config.yaml nicht vorhanden: %1. Anfragen an diese Routen schlagen fehl, bis die config.yaml sie wieder definiert.</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>Keine Probleme gefunden.</translation>
    </message>
    <message>
        <source>%1, %2.</source>
        <translation>%1, %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message>
        <source>config.yaml has errors and was not loaded. The last good config is still in use: the routes below are the ones the gateway serves.</source>
        <translation>Die config.yaml enthält Fehler und wurde nicht geladen. Die letzte fehlerfreie Konfiguration ist weiter in Gebrauch: Die Routen unten sind die, die das Gateway bereitstellt.</translation>
    </message>
    <message>
        <source>config.yaml has errors and no good config was loaded yet, so the gateway serves no routes. Fix the problems below, then click Reload.</source>
        <translation>Die config.yaml enthält Fehler, und es wurde noch keine fehlerfreie Konfiguration geladen, daher stellt das Gateway keine Routen bereit. Beheben Sie die Probleme unten und klicken Sie dann auf „Neu laden“.</translation>
    </message>
    <message>
        <source>Select a route to see how to call it.</source>
        <translation>Wählen Sie eine Route, um zu sehen, wie sie aufgerufen wird.</translation>
    </message>
    <message>
        <source>Call “%1” with curl. Replace YOUR_API_KEY with a key whose groups grant this route.</source>
        <translation>„%1“ mit curl aufrufen. Ersetzen Sie YOUR_API_KEY durch einen Schlüssel, dessen Gruppen diese Route freigeben.</translation>
    </message>
    <message>
        <source>The gateway is stopped: start it to try this example.</source>
        <translation>Das Gateway ist angehalten: Starten Sie es, um dieses Beispiel auszuprobieren.</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n Stunde</numerusform>
            <numerusform>%n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n Minute</numerusform>
            <numerusform>%n Minuten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n Sekunde</numerusform>
            <numerusform>%n Sekunden</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 requests per %2</source>
        <translation>%1 Anfragen pro %2</translation>
    </message>
    <message>
        <source>%1 input tokens</source>
        <translation>%1 Eingabe-Tokens</translation>
    </message>
    <message>
        <source>%1 output tokens</source>
        <translation>%1 Ausgabe-Tokens</translation>
    </message>
    <message>
        <source>%1 per %2</source>
        <translation>%1 pro %2</translation>
    </message>
    <message>
        <source>US$%1 per %2</source>
        <translation>%1 US$ pro %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Set API &amp;Key…</source>
        <translation>API-Schlüssel &amp;festlegen…</translation>
    </message>
    <message>
        <source>Keep a model&apos;s upstream API key in the system keychain</source>
        <translation>Den API-Schlüssel, mit dem ein Modell seinen Anbieter aufruft, im Schlüsselbund des Systems aufbewahren</translation>
    </message>
</context>
<context>
    <name>portico::ui::SetApiKeyDialog</name>
    <message>
        <source>Set API Key</source>
        <translation>API-Schlüssel festlegen</translation>
    </message>
    <message>
        <source>The API key of an upstream model is kept in the system keychain, never in a file. config.yaml refers to it as &lt;code&gt;api_key: !secret NAME&lt;/code&gt;; the keychain is looked at first, then secrets.yaml, then the environment.</source>
        <translation>Der API-Schlüssel, mit dem ein Modell seinen Anbieter aufruft, wird im Schlüsselbund des Systems aufbewahrt, nie in einer Datei. Die config.yaml verweist darauf mit &lt;code&gt;api_key: !secret NAME&lt;/code&gt;; gesucht wird zuerst im Schlüsselbund, dann in der secrets.yaml, dann in den Umgebungsvariablen.</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source>Keychain entry:</source>
        <translation>Eintrag im Schlüsselbund:</translation>
    </message>
    <message>
        <source>Now:</source>
        <translation>Aktuell:</translation>
    </message>
    <message>
        <source>Paste the provider&apos;s API key</source>
        <translation>Den API-Schlüssel des Anbieters einfügen</translation>
    </message>
    <message>
        <source>New &amp;API key:</source>
        <translation>Neuer &amp;API-Schlüssel:</translation>
    </message>
    <message>
        <source>&amp;Copy Lines</source>
        <translation>Zeilen &amp;kopieren</translation>
    </message>
    <message>
        <source>&amp;Save in Keychain</source>
        <translation>Im Schlüsselbund &amp;speichern</translation>
    </message>
    <message>
        <source>%1 (referenced in config.yaml)</source>
        <translation>%1 (in der config.yaml verwendet)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>config.yaml has no model that calls a provider, so there is no API key to set.</source>
        <translation>Die config.yaml hat kein Modell, das einen Anbieter aufruft, daher gibt es keinen API-Schlüssel festzulegen.</translation>
    </message>
    <message>
        <source>%1 in “%2”</source>
        <translation>%1 in „%2“</translation>
    </message>
    <message>
        <source>No keychain in this window.</source>
        <translation>Kein Schlüsselbund in diesem Fenster.</translation>
    </message>
    <message>
        <source>A key is stored in the system keychain. Type a new one to replace it.</source>
        <translation>Im Schlüsselbund des Systems ist ein Schlüssel gespeichert. Geben Sie einen neuen ein, um ihn zu ersetzen.</translation>
    </message>
    <message>
        <source>No key stored in the system keychain.</source>
        <translation>Kein Schlüssel im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>Saving in the system keychain…</source>
        <translation>Wird im Schlüsselbund des Systems gespeichert…</translation>
    </message>
    <message>
        <source>Not saved: the system keychain did not take it (%1). Put it in secrets.yaml beside config.yaml instead (a line “%2: &lt;key&gt;”, in a file only you can read), or in the environment variable %2.</source>
        <translation>Nicht gespeichert: Der Schlüsselbund des Systems hat ihn nicht angenommen (%1). Legen Sie ihn stattdessen in der secrets.yaml neben der config.yaml ab (eine Zeile „%2: &lt;key&gt;“, in einer Datei, die nur Sie lesen können) oder in der Umgebungsvariable %2.</translation>
    </message>
    <message>
        <source>Saved. config.yaml refers to it as !secret %1, so the gateway uses it from now on.</source>
        <translation>Gespeichert. Die config.yaml verweist darauf mit !secret %1, daher verwendet das Gateway ihn ab sofort.</translation>
    </message>
    <message>
        <source>Saved. config.yaml does not refer to it yet: under “model_id: %1” write these lines (in place of any api_key there) and save the file. The gateway uses the key as soon as config.yaml is reloaded.</source>
        <translation>Gespeichert. Die config.yaml verweist noch nicht darauf: Schreiben Sie unter „model_id: %1“ diese Zeilen (anstelle eines dortigen api_key) und speichern Sie die Datei. Das Gateway verwendet den Schlüssel, sobald die config.yaml neu geladen ist.</translation>
    </message>
</context>
<context>
    <name>portico::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>127.0.0.1: this computer only. 0.0.0.0: every network of this computer (set gateway.metrics_token in config.yaml then).</source>
        <translation>127.0.0.1: nur dieser Computer. 0.0.0.0: jedes Netzwerk dieses Computers (setzen Sie dann gateway.metrics_token in der config.yaml).</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>Lauschen auf:</translation>
    </message>
    <message>
        <source>Start the gateway when Portico starts</source>
        <translation>Das Gateway beim Start von Portico starten</translation>
    </message>
    <message>
        <source>Store and configuration</source>
        <translation>Datenbank und Konfiguration</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Store file:</source>
        <translation>Datenbankdatei:</translation>
    </message>
    <message>
        <source>A shared PostgreSQL store: File → Open Store changes it.</source>
        <translation>Eine gemeinsame PostgreSQL-Datenbank: Ändern Sie sie über Datei → Datenbank öffnen.</translation>
    </message>
    <message>
        <source>Built-in (the demo route)</source>
        <translation>Eingebaute Konfiguration (die Demo-Route)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Open config.yaml in the editor of this desktop</source>
        <translation>Die config.yaml im Editor dieses Desktops öffnen</translation>
    </message>
    <message>
        <source>Config file:</source>
        <translation>Konfigurationsdatei:</translation>
    </message>
    <message>
        <source>Check:</source>
        <translation>Prüfung:</translation>
    </message>
    <message>
        <source>Desktop</source>
        <translation>Desktop</translation>
    </message>
    <message>
        <source>Keep the gateway running in the tray when the window closes</source>
        <translation>Das Gateway in der Systemleiste weiterlaufen lassen, wenn das Fenster geschlossen wird</translation>
    </message>
    <message>
        <source>This desktop shows no tray: closing the window quits.</source>
        <translation>Dieser Desktop zeigt keine Systemleiste: Das Schließen des Fensters beendet Portico.</translation>
    </message>
    <message>
        <source>Not chosen yet: the first close of the window asks.</source>
        <translation>Noch nicht gewählt: Beim ersten Schließen des Fensters wird nachgefragt.</translation>
    </message>
    <message>
        <source>Start Portico when I log in</source>
        <translation>Portico bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>Same as the system (%1)</source>
        <translation>Wie das System (%1)</translation>
    </message>
    <message>
        <source>A new language shows after Portico restarts.</source>
        <translation>Eine neue Sprache erscheint nach einem Neustart von Portico.</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>Keep for ever</source>
        <translation>Für immer</translation>
    </message>
    <message>
        <source>Keep each request for:</source>
        <translation>Jede Anfrage aufbewahren für:</translation>
    </message>
    <message>
        <source>The built-in config: the demo route only.</source>
        <translation>Die eingebaute Konfiguration: nur die Demo-Route.</translation>
    </message>
    <message>
        <source>There is no file %1.</source>
        <translation>Es gibt keine Datei %1.</translation>
    </message>
    <message>
        <source>OK: %1 routes, %2 models</source>
        <translation>OK: %1 Routen, %2 Modelle</translation>
    </message>
    <message numerus="yes">
        <source>Loads, with %n warning(s):</source>
        <translation>
            <numerusform>Lässt sich laden, mit %n Warnung:</numerusform>
            <numerusform>Lässt sich laden, mit %n Warnungen:</numerusform>
        </translation>
    </message>
    <message>
        <source>Does not load; the gateway keeps its last good config:</source>
        <translation>Lässt sich nicht laden; das Gateway behält seine letzte fehlerfreie Konfiguration:</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more (portico-gateway config check lists them all).</source>
        <translation>
            <numerusform>… und %n weitere (portico-gateway config check listet alle auf).</numerusform>
            <numerusform>… und %n weitere (portico-gateway config check listet alle auf).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>config.yaml sets usage.raw_retention_days to %n day(s); that wins over this setting.</source>
        <translation>
            <numerusform>Die config.yaml setzt usage.raw_retention_days auf %n Tag; das hat Vorrang vor dieser Einstellung.</numerusform>
            <numerusform>Die config.yaml setzt usage.raw_retention_days auf %n Tage; das hat Vorrang vor dieser Einstellung.</numerusform>
        </translation>
    </message>
    <message>
        <source>Older requests are deleted by the gateway in this app; the hourly and daily totals stay. config.yaml&apos;s usage.raw_retention_days, when set, wins.</source>
        <translation>Ältere Anfragen löscht das Gateway in dieser App; die stündlichen und täglichen Summen bleiben erhalten. Ist usage.raw_retention_days in der config.yaml gesetzt, hat es Vorrang.</translation>
    </message>
    <message>
        <source>Store File</source>
        <translation>Datenbankdatei</translation>
    </message>
    <message>
        <source>SQLite stores (*.db *.sqlite);;All files (*)</source>
        <translation>SQLite-Datenbanken (*.db *.sqlite);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Config File</source>
        <translation>Konfigurationsdatei</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml);;All files (*)</source>
        <translation>YAML-Dateien (*.yaml *.yml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>No program on this desktop opens %1.</source>
        <translation>Kein Programm auf diesem Desktop öffnet %1.</translation>
    </message>
    <message>
        <source>Use Port %1</source>
        <translation>Port %1 verwenden</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an IP address: use 127.0.0.1 for this computer only, or 0.0.0.0 for every network.</source>
        <translation>„%1“ ist keine IP-Adresse: Verwenden Sie 127.0.0.1 nur für diesen Computer oder 0.0.0.0 für jedes Netzwerk.</translation>
    </message>
    <message>
        <source>Ports below 1024 need administrator rights; choose one from 1024 to 65535.</source>
        <translation>Ports unter 1024 erfordern Administratorrechte; wählen Sie einen von 1024 bis 65535.</translation>
    </message>
    <message>
        <source>Port %1 is free.</source>
        <translation>Port %1 ist frei.</translation>
    </message>
    <message>
        <source>Choose another port.</source>
        <translation>Wählen Sie einen anderen Port.</translation>
    </message>
    <message>
        <source>The gateway cannot listen on port %1.</source>
        <translation>Das Gateway kann nicht auf Port %1 lauschen.</translation>
    </message>
    <message>
        <source>The store file needs a full path, like %1.</source>
        <translation>Die Datenbankdatei braucht einen vollständigen Pfad, etwa %1.</translation>
    </message>
    <message>
        <source>The folder of the store file, %1, does not exist.</source>
        <translation>Der Ordner der Datenbankdatei, %1, existiert nicht.</translation>
    </message>
    <message>
        <source>There is no config file %1; leave the field empty for the built-in one.</source>
        <translation>Es gibt keine Konfigurationsdatei %1; lassen Sie das Feld für die eingebaute Konfiguration leer.</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <comment>retention, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::StorePasswords</name>
    <message>
        <source>No system keychain available: the password is kept for this session only.</source>
        <translation>Kein Schlüsselbund des Systems verfügbar: Das Passwort gilt nur für diese Sitzung.</translation>
    </message>
</context>
<context>
    <name>portico::ui::StoreWatcher</name>
    <message>
        <source>The store cannot be read. The pages show what they last read; they are updated when it answers again.</source>
        <translation>Die Datenbank kann nicht gelesen werden. Die Seiten zeigen, was sie zuletzt gelesen haben; sie werden aktualisiert, sobald sie wieder antwortet.</translation>
    </message>
    <message>
        <source>The store cannot be written: changes are not saved, and the gateway keeps the usage rows in memory until it can write them. %1</source>
        <translation>In die Datenbank kann nicht geschrieben werden: Änderungen werden nicht gespeichert, und das Gateway behält die Nutzungsdaten im Speicher, bis es sie schreiben kann. %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::TrayController</name>
    <message>
        <source>&amp;Open Portico</source>
        <translation>Portico &amp;öffnen</translation>
    </message>
    <message>
        <source>&amp;Quit Portico</source>
        <translation>Portico &amp;beenden</translation>
    </message>
    <message>
        <source>Gateway starting…</source>
        <translation>Gateway startet…</translation>
    </message>
    <message>
        <source>Gateway running on %1</source>
        <translation>Gateway läuft auf %1</translation>
    </message>
    <message>
        <source>Gateway not running: %1</source>
        <translation>Gateway läuft nicht: %1</translation>
    </message>
    <message>
        <source>Gateway paused</source>
        <translation>Gateway pausiert</translation>
    </message>
    <message>
        <source>&amp;Pause Gateway</source>
        <translation>Gateway &amp;pausieren</translation>
    </message>
    <message>
        <source>&amp;Resume Gateway</source>
        <translation>Gateway &amp;fortsetzen</translation>
    </message>
    <message>
        <source>Portico: %1</source>
        <translation>Portico: %1</translation>
    </message>
    <message>
        <source>Keep the Gateway Running?</source>
        <translation>Gateway weiterlaufen lassen?</translation>
    </message>
    <message>
        <source>Keep the gateway running in the tray when the window closes?</source>
        <translation>Das Gateway in der Systemleiste weiterlaufen lassen, wenn das Fenster geschlossen wird?</translation>
    </message>
    <message>
        <source>Programs that use Portico keep working; Quit in the tray menu ends it. You can change this in Settings.</source>
        <translation>Programme, die Portico verwenden, funktionieren weiter; „Portico beenden“ im Menü der Systemleiste beendet es. Sie können dies in den Einstellungen ändern.</translation>
    </message>
    <message>
        <source>Portico</source>
        <translation>Portico</translation>
    </message>
    <message>
        <source>Portico keeps running in the tray. %1</source>
        <translation>Portico läuft in der Systemleiste weiter. %1</translation>
    </message>
</context>
<context>
    <name>portico::ui::UsagePage</name>
    <message>
        <source>By key</source>
        <translation>Nach Schlüssel</translation>
    </message>
    <message>
        <source>By route</source>
        <translation>Nach Route</translation>
    </message>
    <message>
        <source>All keys</source>
        <translation>Alle Schlüssel</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Alle Gruppen</translation>
    </message>
    <message>
        <source>All routes</source>
        <translation>Alle Routen</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Successes</source>
        <translation>Erfolge</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Double-click a key to see its requests.</source>
        <translation>Doppelklicken Sie auf einen Schlüssel, um seine Anfragen zu sehen.</translation>
    </message>
    <message>
        <source>← Back to totals</source>
        <translation>← Zurück zu den Summen</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Request ID</source>
        <translation>Anfrage-ID</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Prompt tokens</source>
        <translation>Eingabe-Tokens</translation>
    </message>
    <message>
        <source>Completion tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>Kosten (USD)</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>Latenz (ms)</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Mehr laden</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Could not read usage: %1</source>
        <translation>Die Nutzung konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Avg latency (ms)</source>
        <translation>Ø Latenz (ms)</translation>
    </message>
    <message>
        <source>p95 latency (ms)</source>
        <translation>p95-Latenz (ms)</translation>
    </message>
    <message>
        <source>Last request</source>
        <translation>Letzte Anfrage</translation>
    </message>
    <message>
        <source>This key was deleted; its history is kept.</source>
        <translation>Dieser Schlüssel wurde gelöscht; sein Verlauf bleibt erhalten.</translation>
    </message>
    <message>
        <source>Requests of %1</source>
        <translation>Anfragen von %1</translation>
    </message>
    <message numerus="yes">
        <source>Requests older than %n day(s) are deleted (usage.raw_retention_days in config.yaml); the totals still count them.</source>
        <translation>
            <numerusform>Anfragen, die älter als %n Tag sind, werden gelöscht (usage.raw_retention_days in der config.yaml); die Summen zählen sie weiterhin.</numerusform>
            <numerusform>Anfragen, die älter als %n Tage sind, werden gelöscht (usage.raw_retention_days in der config.yaml); die Summen zählen sie weiterhin.</numerusform>
        </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>%1 of %2 requests</source>
        <translation>%1 von %2 Anfragen</translation>
    </message>
    <message>
        <source>Export usage</source>
        <translation>Nutzung exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n line(s).</source>
        <translation>
            <numerusform>%n Zeile exportiert.</numerusform>
            <numerusform>%n Zeilen exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exporting requests…</source>
        <translation>Anfragen werden exportiert…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n request(s).</source>
        <translation>
            <numerusform>%n Anfrage exportiert.</numerusform>
            <numerusform>%n Anfragen exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>Export abgebrochen.</translation>
    </message>
</context>
<context>
    <name>portico::ui::UsageText</name>
    <message>
        <source>(no key)</source>
        <translation>(kein Schlüssel)</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>(gelöscht)</translation>
    </message>
    <message>
        <source>(no route)</source>
        <translation>(keine Route)</translation>
    </message>
</context>
<context>
    <name>portico::ui::WelcomePanel</name>
    <message>
        <source>Welcome to Portico</source>
        <translation>Willkommen bei Portico</translation>
    </message>
    <message>
        <source>Dismiss the welcome</source>
        <translation>Willkommensbereich schließen</translation>
    </message>
    <message>
        <source>1. Create a Group and Key</source>
        <translation>1. Gruppe und Schlüssel erstellen</translation>
    </message>
    <message>
        <source>2. Send a Test Request</source>
        <translation>2. Testanfrage senden</translation>
    </message>
    <message>
        <source>Programs call the gateway with an API key, and a key may call the routes that its groups grant.</source>
        <translation>Programme rufen das Gateway mit einem API-Schlüssel auf, und ein Schlüssel darf die Routen aufrufen, die seine Gruppen freigeben.</translation>
    </message>
    <message>
        <source>The config has no route yet: add one to config.yaml (the Routes page shows the file), then come back here.</source>
        <translation>Die Konfiguration hat noch keine Route: Fügen Sie der config.yaml eine hinzu (die Seite „Routen“ zeigt die Datei) und kommen Sie dann hierher zurück.</translation>
    </message>
    <message>
        <source>The config has a route to try at once: %1. Its model, %2, answers inside Portico by repeating your message back: no provider account, no network.</source>
        <translation>Die Konfiguration hat eine Route zum sofortigen Ausprobieren: %1. Ihr Modell, %2, antwortet innerhalb von Portico, indem es Ihre Nachricht wiederholt: kein Anbieterkonto, kein Netzwerk.</translation>
    </message>
    <message>
        <source>The config&apos;s first route is %1, on %2/%3.</source>
        <translation>Die erste Route der Konfiguration ist %1, auf %2/%3.</translation>
    </message>
    <message>
        <source>The config&apos;s first route is %1.</source>
        <translation>Die erste Route der Konfiguration ist %1.</translation>
    </message>
    <message>
        <source>Create a group named “%1” that grants %2 with a first key in it, then send it a test message through the gateway.</source>
        <translation>Erstellen Sie eine Gruppe namens „%1“, die %2 freigibt, mit einem ersten Schlüssel darin, und senden Sie dann über das Gateway eine Testnachricht an die Route.</translation>
    </message>
    <message>
        <source>Made by the welcome of the first run; grants %1.</source>
        <translation>Vom Willkommensbereich beim ersten Start erstellt; gibt %1 frei.</translation>
    </message>
    <message>
        <source>Could not create the group: %1</source>
        <translation>Die Gruppe konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Could not grant %1 to the group: %2</source>
        <translation>%1 konnte für die Gruppe nicht freigegeben werden: %2</translation>
    </message>
    <message>
        <source>Could not create the key: %1</source>
        <translation>Der Schlüssel konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Group “%1” and key “%2” created. Now send a test request.</source>
        <translation>Gruppe „%1“ und Schlüssel „%2“ erstellt. Senden Sie jetzt eine Testanfrage.</translation>
    </message>
    <message>
        <source>The gateway is not running: start it (Gateway → Start Gateway), then try again.</source>
        <translation>Das Gateway läuft nicht: Starten Sie es (Gateway → Gateway starten) und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>Sending “%1” to %2…</source>
        <translation>„%1“ wird an %2 gesendet…</translation>
    </message>
    <message>
        <source>Answer from %1: %2</source>
        <translation>Antwort von %1: %2</translation>
    </message>
    <message>
        <source>The gateway answered %1: %2</source>
        <translation>Das Gateway hat mit %1 geantwortet: %2</translation>
    </message>
    <message>
        <source>No answer from the gateway: %1</source>
        <translation>Keine Antwort vom Gateway: %1</translation>
    </message>
</context>
</TS>
