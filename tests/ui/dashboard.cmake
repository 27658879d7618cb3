# Included by tests/ui/CMakeLists.txt: the Dashboard and Usage pages.
portico_add_test(test_dashboardpage
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dashboardpage.cpp
            ${CMAKE_CURRENT_LIST_DIR}/testsupport.h ${CMAKE_CURRENT_LIST_DIR}/usagerows.h
    LIBRARIES portico_ui)
portico_add_test(test_usagepage
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_usagepage.cpp
            ${CMAKE_CURRENT_LIST_DIR}/testsupport.h ${CMAKE_CURRENT_LIST_DIR}/usagerows.h
    LIBRARIES portico_ui)
