#include "ui/keys/secretclipboard.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QMimeData>
#include <QTimer>

namespace portico::ui {

namespace {
QByteArray digestOf(const QString &text) {
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
}
} // namespace

void SecretClipboard::copy(const QString &secret, int clearAfterMs) {
    QClipboard *clipboard = QGuiApplication::clipboard();
    auto *mime = new QMimeData;
    mime->setText(secret);
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    clipboard->setMimeData(mime, QClipboard::Clipboard);

    const QByteArray digest = digestOf(secret);
    QTimer::singleShot(clearAfterMs, clipboard, [clipboard, digest] {
        // Something else copied since: leave the user's clipboard alone.
        if (digestOf(clipboard->text(QClipboard::Clipboard)) == digest)
            clipboard->clear(QClipboard::Clipboard);
    });
}

} // namespace portico::ui
