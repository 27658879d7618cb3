# Included by tests/ui/CMakeLists.txt. Fails when a user-visible string of ui/ or app/ has no
# finished translation in one of the languages the app ships (runs lupdate over the sources, as a
# translator would), and checks that the window and the real app show each language.
portico_add_test(test_translations
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_translations.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui)
target_compile_definitions(test_translations PRIVATE
    PORTICO_LUPDATE="$<TARGET_FILE:Qt6::lupdate>")
# The desktop app itself, started with a system locale, when it is built.
if(TARGET portico)
    add_dependencies(test_translations portico)
    target_compile_definitions(test_translations PRIVATE
        PORTICO_DESKTOP_APP="$<TARGET_FILE:portico>")
endif()
