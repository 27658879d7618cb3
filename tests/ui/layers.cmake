# Included by tests/ui/CMakeLists.txt: the ui layer links and includes nothing of the HTTP
# server, the proxy or the upstream client (see also cmake/PorticoLayers.cmake).
portico_add_test(test_layers
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_layers.cpp
    LIBRARIES portico_ui)
