<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>portico::ui::DashboardPage</name>
    <message numerus="yes">
        <source>%n key(s) expire within %1 days</source>
        <translation>
            <numerusform>%n key expires within %1 days</numerusform>
            <numerusform>%n keys expire within %1 days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::ExpiryText</name>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>in %n day</numerusform>
            <numerusform>in %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n hour(s)</source>
        <translation>
            <numerusform>in %n hour</numerusform>
            <numerusform>in %n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n minute(s)</source>
        <translation>
            <numerusform>in %n minute</numerusform>
            <numerusform>in %n minutes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::GroupsPage</name>
    <message numerus="yes">
        <source>Its %n key(s) lose no access: other groups grant the same routes.</source>
        <translation>
            <numerusform>Its key loses no access: other groups grant the same routes.</numerusform>
            <numerusform>Its %n keys lose no access: other groups grant the same routes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) will lose access:</source>
        <translation>
            <numerusform>%n key will lose access:</numerusform>
            <numerusform>%n keys will lose access:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>• %1: %n key(s)</source>
        <translation>
            <numerusform>• %1: %n key</numerusform>
            <numerusform>• %1: %n keys</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n other key(s) keep their access through other groups.</source>
        <translation>
            <numerusform>%n other key keeps its access through other groups.</numerusform>
            <numerusform>%n other keys keep their access through other groups.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::LimitsDialog</name>
    <message numerus="yes">
        <source>%n request(s)</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n request</numerusform>
            <numerusform>%n requests</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n at once</source>
        <comment>limit, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n at once</numerusform>
            <numerusform>%n at once</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::LogsPage</name>
    <message numerus="yes">
        <source>%n entry(s)</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n entry(s) shown</source>
        <translation>
            <numerusform>%1 of %n entry shown</numerusform>
            <numerusform>%1 of %n entries shown</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::PreviousSecretView</name>
    <message numerus="yes">
        <source>Old secret used %n time(s) in the last hour, last at %1.</source>
        <translation>
            <numerusform>Old secret used %n time in the last hour, last at %1.</numerusform>
            <numerusform>Old secret used %n times in the last hour, last at %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::RoutesPage</name>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::SettingsDialog</name>
    <message numerus="yes">
        <source>Loads, with %n warning(s):</source>
        <translation>
            <numerusform>Loads, with %n warning:</numerusform>
            <numerusform>Loads, with %n warnings:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more (portico-gateway config check lists them all).</source>
        <translation>
            <numerusform>… and %n more (portico-gateway config check lists them all).</numerusform>
            <numerusform>… and %n more (portico-gateway config check lists them all).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>config.yaml sets usage.raw_retention_days to %n day(s); that wins over this setting.</source>
        <translation>
            <numerusform>config.yaml sets usage.raw_retention_days to %n day; that wins over this setting.</numerusform>
            <numerusform>config.yaml sets usage.raw_retention_days to %n days; that wins over this setting.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <comment>retention, after the spin box&apos;s number</comment>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>portico::ui::UsagePage</name>
    <message numerus="yes">
        <source>Exported %n line(s).</source>
        <translation>
            <numerusform>Exported %n line.</numerusform>
            <numerusform>Exported %n lines.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n request(s).</source>
        <translation>
            <numerusform>Exported %n request.</numerusform>
            <numerusform>Exported %n requests.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Requests older than %n day(s) are deleted (usage.raw_retention_days in config.yaml); the totals still count them.</source>
        <translation>
            <numerusform>Requests older than %n day are deleted (usage.raw_retention_days in config.yaml); the totals still count them.</numerusform>
            <numerusform>Requests older than %n days are deleted (usage.raw_retention_days in config.yaml); the totals still count them.</numerusform>
        </translation>
    </message>
</context>
</TS>
