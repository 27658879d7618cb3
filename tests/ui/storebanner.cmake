# Included by tests/ui/CMakeLists.txt: the window's banner while the store cannot be written.
portico_add_test(test_storebanner
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_storebanner.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui)
