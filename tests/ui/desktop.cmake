# Included by tests/ui/CMakeLists.txt: the desktop integration. The tray's menu and the close
# decision (no real tray offscreen: its availability is given), the window with the embedded
# gateway driven from the tray, one instance per user (in one process and with real processes
# of the app), the settings dialog, start at login and the language choice.
portico_add_test(test_tray
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tray.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui portico_desktop Qt6::Network)
target_compile_definitions(test_tray PRIVATE PORTICO_APP="$<TARGET_FILE:portico>")
add_dependencies(test_tray portico)
portico_add_test(test_settingsdialog
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_settingsdialog.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui portico_desktop Qt6::Network)
