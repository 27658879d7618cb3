# Included by tests/ui/CMakeLists.txt. Fails when a user-visible string of ui/ or app/ has no
# Italian translation (runs lupdate over the sources, as a translator would).
portico_add_test(test_translations
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_translations.cpp
    LIBRARIES portico_ui)
target_compile_definitions(test_translations PRIVATE
    PORTICO_LUPDATE="$<TARGET_FILE:Qt6::lupdate>")
