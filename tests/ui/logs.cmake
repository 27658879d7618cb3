# Included by tests/ui/CMakeLists.txt: the Logs page over a real GatewayLog.
portico_add_test(test_logspage
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_logspage.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui)
