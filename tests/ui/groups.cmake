# Included by tests/ui/CMakeLists.txt.
portico_add_test(test_groupspage
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_groupspage.cpp
    LIBRARIES portico_ui)
