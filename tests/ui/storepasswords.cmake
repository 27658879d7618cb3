# Included by tests/ui/CMakeLists.txt: the passwords of PostgreSQL stores in the system keychain
# and the desktop app's opening of its store (ui::StorePasswords, app::StoreOpener).
# test_storepasswords[_postgresql] see no keychain (as in CI: the app says so and keeps the
# password for the session); the _keyring variants run the same executable with a real Secret
# Service of their own (GNOME Keyring on a private session bus, with-test-keyring.sh).
portico_add_test(test_storepasswords POSTGRES
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_storepasswords.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui portico_desktop)
set(keyring_env "QT_QPA_PLATFORM=offscreen" "QT_LOGGING_RULES=qt.qpa.*=false"
                "PORTICO_TEST_LOG_DIR=${PORTICO_TEST_LOG_DIR}")
add_test(NAME test_storepasswords_keyring
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/with-test-keyring.sh $<TARGET_FILE:test_storepasswords>)
set_tests_properties(test_storepasswords_keyring PROPERTIES
    ENVIRONMENT "${keyring_env}" FIXTURES_REQUIRED portico_test_logs TIMEOUT 300)
add_test(NAME test_storepasswords_keyring_postgresql
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/with-test-keyring.sh $<TARGET_FILE:test_storepasswords>)
set_tests_properties(test_storepasswords_keyring_postgresql PROPERTIES
    ENVIRONMENT "${keyring_env};PORTICO_TEST_POSTGRES_URI_FILE=${PORTICO_TEST_POSTGRES_URI_FILE}"
    FIXTURES_REQUIRED "portico_test_logs;portico_postgres" TIMEOUT 300)
