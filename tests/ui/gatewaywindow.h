#pragma once

// The main window with an embedded gateway, made and wired as the desktop app makes them
// (app/portico/desktopapp.cpp), for the GUI tests that drive both.

#include "embeddedgateway.h"
#include "testsupport.h"
#include "ui/mainwindow.h"

#include <memory>

namespace portico::test {

// The window is not shown: each test picks its page first and waits for what it needs.
// Destroy `window` before `gateway`.
inline void makeGatewayWindow(UiFixture &fixture, quint16 port,
                              std::unique_ptr<app::EmbeddedGateway> &gateway,
                              std::unique_ptr<ui::MainWindow> &window) {
    proxy::GatewayOptions options;
    options.port = port;
    options.log = fixture.context.gatewayLog; // as the app does; kept for test_logscan
    gateway = std::make_unique<app::EmbeddedGateway>(fixture.database, fixture.config, options);
    fixture.context.gatewayBaseUrl = [embedded = gateway.get()] { return embedded->baseUrl(); };
    window = std::make_unique<ui::MainWindow>(fixture.context);
    app::connectWindow(*gateway, *window);
}

} // namespace portico::test
