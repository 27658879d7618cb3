#include "ui/keys/onetimekeydialog.h"

#include "ui/appcontext.h"
#include "ui/common/heading.h"
#include "ui/keys/secretclipboard.h"
#include "ui/messagebox.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace portico::ui {

namespace {
const QString kFallbackBaseUrl = QStringLiteral("http://127.0.0.1:8000");
const QString kFallbackRoute = QStringLiteral("demo");
} // namespace

QString OneTimeKeyDialog::curlExample(const QString &baseUrl, const QString &key,
                                      const QString &route) {
    return QStringLiteral("curl -X POST %1/v1/chat/completions \\\n"
                          "  -H \"Authorization: Bearer %2\" \\\n"
                          "  -H \"Content-Type: application/json\" \\\n"
                          "  -d '{\n"
                          "    \"model\": \"%3\",\n"
                          "    \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]\n"
                          "  }'\n")
        .arg(baseUrl, key, route);
}

QString OneTimeKeyDialog::pythonExample(const QString &baseUrl, const QString &key,
                                        const QString &route) {
    return QStringLiteral("from openai import OpenAI\n"
                          "\n"
                          "client = OpenAI(\n"
                          "    api_key=\"%2\",\n"
                          "    base_url=\"%1/v1\"\n"
                          ")\n"
                          "\n"
                          "response = client.chat.completions.create(\n"
                          "    model=\"%3\",\n"
                          "    messages=[{\"role\": \"user\", \"content\": \"Hello!\"}]\n"
                          ")\n"
                          "print(response.choices[0].message.content)\n")
        .arg(baseUrl, key, route);
}

QString OneTimeKeyDialog::javascriptExample(const QString &baseUrl, const QString &key,
                                            const QString &route) {
    return QStringLiteral("const response = await fetch('%1/v1/chat/completions', {\n"
                          "  method: 'POST',\n"
                          "  headers: {\n"
                          "    'Authorization': 'Bearer %2',\n"
                          "    'Content-Type': 'application/json'\n"
                          "  },\n"
                          "  body: JSON.stringify({\n"
                          "    model: '%3',\n"
                          "    messages: [{ role: 'user', content: 'Hello!' }]\n"
                          "  })\n"
                          "});\n"
                          "console.log((await response.json()).choices[0].message.content);\n")
        .arg(baseUrl, key, route);
}

OneTimeKeyDialog::OneTimeKeyDialog(AppContext &context, store::CreatedKey created, QWidget *parent)
    : QDialog(parent)
    , m_key(std::move(created.key)) {
    build(context, created.record, false, {});
}

OneTimeKeyDialog::OneTimeKeyDialog(AppContext &context, store::RotatedKey rotated, QWidget *parent)
    : QDialog(parent)
    , m_key(std::move(rotated.key)) {
    build(context, rotated.record, true, rotated.previousValidUntil);
}

void OneTimeKeyDialog::build(AppContext &context, const store::ApiKeyRecord &record, bool rotated,
                             const QDateTime &previousValidUntil) {
    setObjectName(QStringLiteral("oneTimeKeyDialog"));
    setWindowTitle(rotated ? tr("API Key Rotated") : tr("API Key Created"));

    auto *layout = new QVBoxLayout(this);

    auto *title = new QLabel(rotated ? tr("New secret for \u201c%1\u201d").arg(record.name)
                                     : tr("Key \u201c%1\u201d created").arg(record.name),
                             this);
    title->setObjectName(QStringLiteral("oneTimeTitle"));
    makeHeading(title, Heading::Dialog);
    title->setTextFormat(Qt::PlainText);
    layout->addWidget(title);

    // The warning that the key is shown only this once, where the eye lands first.
    auto *warningFrame = new QFrame(this);
    warningFrame->setObjectName(QStringLiteral("oneTimeWarning"));
    warningFrame->setFrameShape(QFrame::StyledPanel);
    warningFrame->setAutoFillBackground(true);
    {
        QPalette palette = warningFrame->palette();
        palette.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xd6));
        palette.setColor(QPalette::WindowText, QColor(0x5c, 0x40, 0x00));
        warningFrame->setPalette(palette);
    }
    auto *warningLayout = new QHBoxLayout(warningFrame);
    auto *warningIcon = new QLabel(warningFrame);
    const int iconSize = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    warningIcon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));
    auto *warningText = new QLabel(
        QStringLiteral("<b>%1</b><br>%2")
            .arg((rotated ? tr("Save this new secret now. It is shown only once and cannot be "
                               "retrieved later.")
                          : tr("Save this key now. It is shown only once and cannot be retrieved "
                               "later."))
                     .toHtmlEscaped(),
                 (rotated ? tr("Put it in your applications in place of the old one. If it is "
                               "lost, rotate the key again.")
                          : tr("You need it to authenticate requests. If it is lost, create a new "
                               "key and delete this one."))
                     .toHtmlEscaped()),
        warningFrame);
    warningText->setObjectName(QStringLiteral("oneTimeWarningText"));
    warningText->setWordWrap(true);
    warningLayout->addWidget(warningIcon, 0, Qt::AlignTop);
    warningLayout->addWidget(warningText, 1);
    layout->addWidget(warningFrame);

    if (rotated) {
        // Until when the applications not yet switched keep working.
        auto *previous = new QLabel(
            previousValidUntil.isValid()
                ? tr("The previous secret keeps working until %1, then requests with it are "
                     "refused.")
                      .arg(
                          QLocale().toString(previousValidUntil.toLocalTime(), QLocale::LongFormat))
                : tr("The previous secret no longer works: requests with it are refused."),
            this);
        previous->setObjectName(QStringLiteral("previousSecretNote"));
        previous->setWordWrap(true);
        previous->setTextFormat(Qt::PlainText);
        layout->addWidget(previous);
    }

    auto *keyLabel = new QLabel(tr("API &key"), this);
    layout->addWidget(keyLabel);
    auto *keyRow = new QHBoxLayout;
    m_keyEdit = new QLineEdit(m_key, this);
    m_keyEdit->setObjectName(QStringLiteral("keyValueEdit"));
    m_keyEdit->setReadOnly(true);
    m_keyEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_keyEdit->setMinimumWidth(m_keyEdit->fontMetrics().horizontalAdvance(m_key) + 24);
    keyLabel->setBuddy(m_keyEdit);
    auto *copyButton = new QPushButton(tr("&Copy"), this);
    copyButton->setObjectName(QStringLiteral("copyKeyButton"));
    copyButton->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    copyButton->setDefault(true);
    keyRow->addWidget(m_keyEdit, 1);
    keyRow->addWidget(copyButton);
    layout->addLayout(keyRow);
    m_copiedNote = new QLabel(this);
    m_copiedNote->setObjectName(QStringLiteral("copiedNote"));
    m_copiedNote->setForegroundRole(QPalette::PlaceholderText);
    m_copiedNote->setText(tr("Copied. The clipboard will be cleared in 60 seconds."));
    // Keep the layout still when the note appears.
    QSizePolicy notePolicy = m_copiedNote->sizePolicy();
    notePolicy.setRetainSizeWhenHidden(true);
    m_copiedNote->setSizePolicy(notePolicy);
    m_copiedNote->hide();
    layout->addWidget(m_copiedNote);

    // Ready-to-paste examples with the real address and a route the key can reach.
    QString baseUrl = context.gatewayBaseUrl ? context.gatewayBaseUrl() : QString();
    const bool gatewayRunning = !baseUrl.isEmpty();
    if (baseUrl.isEmpty())
        baseUrl = kFallbackBaseUrl;
    while (baseUrl.endsWith(u'/'))
        baseUrl.chop(1);
    const QString route = record.routes.isEmpty() ? kFallbackRoute : record.routes.first().route;

    auto *examplesLabel = new QLabel(tr("Use it"), this);
    QFont bold = examplesLabel->font();
    bold.setBold(true);
    examplesLabel->setFont(bold);
    layout->addSpacing(6);
    layout->addWidget(examplesLabel);
    m_examples = new QTabWidget(this);
    m_examples->setObjectName(QStringLiteral("examplesTabs"));
    m_examples->addTab(
        exampleTab(curlExample(baseUrl, m_key, route), QStringLiteral("curlExample")), tr("curl"));
    m_examples->addTab(
        exampleTab(pythonExample(baseUrl, m_key, route), QStringLiteral("pythonExample")),
        tr("Python (OpenAI SDK)"));
    m_examples->addTab(
        exampleTab(javascriptExample(baseUrl, m_key, route), QStringLiteral("javascriptExample")),
        tr("JavaScript (fetch)"));
    layout->addWidget(m_examples, 1);

    QString routeNote;
    if (record.routes.isEmpty()) {
        routeNote =
            tr("This key is in no group that grants a route yet, so requests will be "
               "refused until you add it to one. The examples use the route \u201c%1\u201d.")
                .arg(route);
    } else {
        routeNote =
            tr("The examples use the route \u201c%1\u201d, which this key can reach.").arg(route);
    }
    if (!gatewayRunning)
        routeNote += u' ' + tr("The gateway is stopped: start it from the Gateway menu.");
    auto *routeLabel = new QLabel(routeNote, this);
    routeLabel->setObjectName(QStringLiteral("exampleRouteNote"));
    routeLabel->setWordWrap(true);
    routeLabel->setTextFormat(Qt::PlainText);
    layout->addWidget(routeLabel);

    auto *buttons = new QDialogButtonBox(this);
    auto *doneButton = buttons->addButton(tr("Done"), QDialogButtonBox::AcceptRole);
    doneButton->setObjectName(QStringLiteral("doneButton"));
    layout->addWidget(buttons);

    connect(copyButton, &QPushButton::clicked, this, &OneTimeKeyDialog::copyKey);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    m_keyEdit->setFocus();
    m_keyEdit->selectAll();
    resize(680, 560);
}

OneTimeKeyDialog::~OneTimeKeyDialog() {
    wipe();
}

QWidget *OneTimeKeyDialog::exampleTab(const QString &code, const QString &objectName) {
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *text = new QPlainTextEdit(code, tab);
    text->setObjectName(objectName);
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // Tab moves focus on, as everywhere else in the dialog.
    text->setTabChangesFocus(true);
    auto *copy = new QPushButton(tr("Copy Example"), tab);
    copy->setObjectName(objectName + QStringLiteral("Copy"));
    copy->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    connect(copy, &QPushButton::clicked, this, [this, text] { copyExample(text); });
    layout->addWidget(text, 1);
    layout->addWidget(copy, 0, Qt::AlignRight);
    return tab;
}

void OneTimeKeyDialog::copyKey() {
    SecretClipboard::copy(m_key);
    m_copied = true;
    m_copiedNote->show();
}

void OneTimeKeyDialog::copyExample(QPlainTextEdit *example) {
    // The example holds the key: it is copied with the same care.
    SecretClipboard::copy(example->toPlainText());
    m_copied = true;
    m_copiedNote->show();
}

void OneTimeKeyDialog::done(int result) {
    if (!m_copied && !m_key.isEmpty()) {
        const auto answer = MessageBox::question(
            this, tr("Close Without Copying?"),
            tr("You have not copied the key. Once this window is closed it cannot be shown "
               "again."),
            QMessageBox::Close | QMessageBox::Cancel, QMessageBox::Cancel,
            tr("Close anyway, or go back and copy it?"));
        if (answer != QMessageBox::Close)
            return;
    }
    wipe();
    QDialog::done(result);
}

void OneTimeKeyDialog::wipe() {
    // Best effort: overwrite our copy before letting it go, and empty the widgets holding it.
    if (!m_key.isEmpty()) {
        std::fill(m_key.begin(), m_key.end(), QChar(u'\0'));
        m_key.clear();
    }
    if (m_keyEdit)
        m_keyEdit->clear();
    if (m_examples) {
        for (auto *text : m_examples->findChildren<QPlainTextEdit *>())
            text->clear();
    }
}

} // namespace portico::ui
