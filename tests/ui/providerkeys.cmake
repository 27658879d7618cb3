# Included by tests/ui/CMakeLists.txt: upstream API keys in the OS keychain (Routes → Set API
# Key, ui::ProviderKeys, config.yaml's `!secret NAME` looked up there first). The widget tests use
# an in-memory keychain (memorykeychain.h); the real QtKeychain backend is tested twice: without a
# keychain (as in CI: a clear error), and in test_providerkeys_keyring with a real Secret Service
# of its own (GNOME Keyring on a private session bus, with-test-keyring.sh).
portico_add_test(test_providerkeys
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_providerkeys.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
            ${CMAKE_CURRENT_LIST_DIR}/memorykeychain.h
    LIBRARIES portico_ui)
add_test(NAME test_providerkeys_keyring
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/with-test-keyring.sh $<TARGET_FILE:test_providerkeys>)
set_tests_properties(test_providerkeys_keyring PROPERTIES
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=qt.qpa.*=false;PORTICO_TEST_LOG_DIR=${PORTICO_TEST_LOG_DIR}"
    FIXTURES_REQUIRED portico_test_logs TIMEOUT 300)

# The first run's welcome, with the real embedded gateway answering its test request.
portico_add_test(test_firstrun
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_firstrun.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui portico_desktop Qt6::Network)
