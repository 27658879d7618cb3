#include "embeddedgateway.h"

#include "config/configmanager.h"
#include "store/database.h"
#include "ui/mainwindow.h"

#include <QMetaObject>

namespace portico::app {

EmbeddedGateway::EmbeddedGateway(std::shared_ptr<store::Database> database,
                                 std::shared_ptr<config::ConfigManager> config,
                                 proxy::GatewayOptions options, QObject *parent)
    : QObject(parent)
    , m_database(std::move(database))
    , m_config(std::move(config))
    , m_options(options) {
    m_thread.setObjectName(QStringLiteral("portico-gateway"));
    m_threadContext = new QObject;
    m_threadContext->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_threadContext, &QObject::deleteLater);
    m_thread.start();
}

EmbeddedGateway::~EmbeddedGateway() {
    // The one place the GUI thread waits for the gateway: at exit, so usage rows are flushed.
    QMetaObject::invokeMethod(
        m_threadContext,
        [this] {
            delete m_gateway;
            m_gateway = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void EmbeddedGateway::start() {
    const auto options = m_options;
    QMetaObject::invokeMethod(m_threadContext, [this, options] { startInThread(options, false); });
}

void EmbeddedGateway::stop() {
    QMetaObject::invokeMethod(m_threadContext, [this] { stopInThread(); });
}

void EmbeddedGateway::setPort(quint16 port) {
    m_options.port = port;
    const auto options = m_options;
    QMetaObject::invokeMethod(m_threadContext, [this, options] { startInThread(options, true); });
}

void EmbeddedGateway::reconfigure(const QHostAddress &address, quint16 port,
                                  int fallbackRetentionDays) {
    if (m_options.address == address && m_options.port == port &&
        m_options.fallbackRawRetentionDays == fallbackRetentionDays)
        return;
    m_options.address = address;
    m_options.port = port;
    m_options.fallbackRawRetentionDays = fallbackRetentionDays;
    const auto options = m_options;
    QMetaObject::invokeMethod(m_threadContext, [this, options] { reconfigureInThread(options); });
}

QString EmbeddedGateway::baseUrl() const {
    return m_listening ? QStringLiteral("http://") + m_address : QString();
}

void EmbeddedGateway::startInThread(proxy::GatewayOptions options, bool recreate) {
    // Gateway options are fixed at construction: a new port needs a new Gateway.
    if (recreate && m_gateway) {
        delete m_gateway;
        m_gateway = nullptr;
    }
    if (!m_gateway) {
        m_gateway = new proxy::Gateway(m_database, m_config, options);
        connect(m_gateway, &proxy::Gateway::listeningChanged, m_threadContext,
                [this](bool listening) {
                    report(listening, m_gateway->listenAddress(),
                           listening ? QString() : m_gateway->errorString());
                });
    }
    if (m_gateway->isListening()) {
        report(true, m_gateway->listenAddress(), {});
        return;
    }
    const bool started = m_gateway->start();
    const QString fallbackAddress =
        options.address.toString() + u':' + QString::number(options.port);
    report(started, started ? m_gateway->listenAddress() : fallbackAddress,
           started ? QString() : m_gateway->errorString());
}

void EmbeddedGateway::stopInThread() {
    if (m_gateway && m_gateway->isListening())
        m_gateway->stop();
    report(false, m_gateway ? m_gateway->listenAddress() : QString(), {});
}

void EmbeddedGateway::reconfigureInThread(proxy::GatewayOptions options) {
    // Decided here, in posting order, so a start() posted just before still ends on the new
    // options; a gateway that does not listen is dropped and the next start() makes a new one.
    const bool wasListening = m_gateway && m_gateway->isListening();
    delete m_gateway;
    m_gateway = nullptr;
    if (wasListening)
        startInThread(options, false);
}

void EmbeddedGateway::report(bool listening, const QString &address, const QString &error) {
    // Back to the GUI thread; dropped if this object is already gone.
    QMetaObject::invokeMethod(
        this,
        [this, listening, address, error] {
            if (m_listening == listening && m_address == address && m_error == error)
                return;
            m_listening = listening;
            m_address = address;
            m_error = error;
            Q_EMIT statusChanged(listening, address, error);
        },
        Qt::QueuedConnection);
}

void connectWindow(EmbeddedGateway &gateway, ui::MainWindow &window) {
    QObject::connect(&gateway, &EmbeddedGateway::statusChanged, &window,
                     &ui::MainWindow::setGatewayStatus);
    QObject::connect(&window, &ui::MainWindow::startGatewayRequested, &gateway,
                     &EmbeddedGateway::start);
    QObject::connect(&window, &ui::MainWindow::stopGatewayRequested, &gateway,
                     &EmbeddedGateway::stop);
    QObject::connect(&window, &ui::MainWindow::gatewayPortRequested, &gateway,
                     &EmbeddedGateway::setPort);
}

} // namespace portico::app
