# Included by tests/ui/CMakeLists.txt.
portico_add_test(test_routespage
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_routespage.cpp
    LIBRARIES portico_ui)

# The translation completeness check of the desktop app lives beside the page tests.
include(${CMAKE_CURRENT_LIST_DIR}/translations.cmake)
