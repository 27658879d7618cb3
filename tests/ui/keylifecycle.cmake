# Included by tests/ui/CMakeLists.txt: rotation, expiry, limits and allowed addresses in the
# window, on a real store.
portico_add_test(test_keylifecycle_window
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_keylifecycle_window.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui)
