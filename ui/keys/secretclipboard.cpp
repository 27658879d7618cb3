#include "ui/keys/secretclipboard.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QMimeData>
#include <QPointer>
#include <QTimer>

namespace portico::ui {

namespace {

QByteArray digestOf(const QString &text) {
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
}

// Clears the clipboard if it still holds the secret of `digest`: something copied since is the
// user's, and left alone.
void clearIfStillHeld(QClipboard *clipboard, const QByteArray &digest) {
    if (clipboard && digestOf(clipboard->text(QClipboard::Clipboard)) == digest)
        clipboard->clear(QClipboard::Clipboard);
}

} // namespace

void SecretClipboard::copy(const QString &secret, int clearAfterMs) {
    QClipboard *clipboard = QGuiApplication::clipboard();
    auto *mime = new QMimeData;
    mime->setText(secret);
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    clipboard->setMimeData(mime, QClipboard::Clipboard);

    const QByteArray digest = digestOf(secret);
    // One guard per copy, living until the timer or the quit, whichever comes first; the other
    // one is disconnected with it, so that copies do not pile up connections on the application.
    auto *guard = new QObject(clipboard);
    QPointer<QClipboard> held(clipboard);
    QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, guard,
                     [held, digest, guard] {
                         clearIfStillHeld(held, digest);
                         guard->deleteLater();
                     });
    QTimer::singleShot(clearAfterMs, guard, [held, digest, guard] {
        clearIfStillHeld(held, digest);
        guard->deleteLater();
    });
}

} // namespace portico::ui
