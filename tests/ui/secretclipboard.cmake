# Included by tests/ui/CMakeLists.txt: the copied one-time key is cleared when the app quits.
portico_add_test(test_secretclipboard
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_secretclipboard.cpp
    LIBRARIES portico_ui)
