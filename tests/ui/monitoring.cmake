# Included by tests/ui/CMakeLists.txt: monitoring end to end. Requests go through the desktop's
# embedded gateway (portico_desktop) to the demo route and to tests/fixtures/fake_upstream.py;
# the dashboard, the usage page, the key detail panel, /metrics and the real `portico-gateway
# usage` process must then agree with the usage rows.
if(TARGET portico_desktop AND TARGET portico-gateway)
    portico_add_test(test_monitoring
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_monitoring.cpp
                ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
        LIBRARIES portico_ui portico_desktop portico_gatewaytestsupport)
    target_compile_definitions(test_monitoring PRIVATE
        PORTICO_GATEWAY_BINARY="$<TARGET_FILE:portico-gateway>")
    add_dependencies(test_monitoring portico-gateway)
endif()
