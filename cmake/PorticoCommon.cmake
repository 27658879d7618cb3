# One INTERFACE target that carries the language level, warnings and Qt's safety defines,
# so every library, executable and test in the tree is built the same way.
add_library(portico_common INTERFACE)
add_library(Portico::Common ALIAS portico_common)

target_compile_features(portico_common INTERFACE cxx_std_20)
target_compile_options(portico_common INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                    -Wcast-align -Woverloaded-virtual -Wformat=2>)
target_compile_definitions(portico_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    $<$<CONFIG:Release>:QT_NO_DEBUG_OUTPUT>)
if(PORTICO_WERROR)
    target_compile_options(portico_common INTERFACE -Werror)
endif()

# Where the tests of one ctest run leave the logs of the programs they drive
# (tests/support/testlogs.h); test_logscan scans them, and ctest's record, after all other tests.
set(PORTICO_TEST_LOG_DIR "${PROJECT_BINARY_DIR}/test-logs")
# The throwaway PostgreSQL server of the tests' PostgreSQL variants (tests/CMakeLists.txt).
set(PORTICO_TEST_POSTGRES_DIR "${PROJECT_BINARY_DIR}/test-postgres")
set(PORTICO_TEST_POSTGRES_URI_FILE "${PROJECT_BINARY_DIR}/test-postgres.uri")

# portico_add_test(NAME SOURCES... LIBRARIES...): one Qt Test executable per unit, run by ctest.
# Every test requires the portico_test_logs fixture (tests/logscan), so the key scan runs last.
function(portico_add_test name)
    cmake_parse_arguments(ARG "GUI;POSTGRES" "TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Portico::Common Qt6::Test portico_testsupport
                                          ${ARG_LIBRARIES})
    target_compile_definitions(${name} PRIVATE
        PORTICO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        PORTICO_BINARY_DIR="${PROJECT_BINARY_DIR}")
    add_test(NAME ${name} COMMAND ${name})
    # PORTICO_SYSTEM_CONF empty: an installed service's /etc/portico/portico.conf on the machine
    # must not redirect the tests' command lines to its store (app/common/startup.h).
    set(env "QT_QPA_PLATFORM=offscreen" "QT_LOGGING_RULES=qt.qpa.*=false"
            "PORTICO_TEST_LOG_DIR=${PORTICO_TEST_LOG_DIR}" "PORTICO_SYSTEM_CONF=")
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}"
                                            FIXTURES_REQUIRED portico_test_logs)
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
    # POSTGRES: the same executable again on the suite's throwaway PostgreSQL server
    # (tests/support/teststore.h), as ${name}_postgresql.
    if(ARG_POSTGRES)
        add_test(NAME ${name}_postgresql COMMAND ${name})
        set_tests_properties(${name}_postgresql PROPERTIES
            ENVIRONMENT "${env};PORTICO_TEST_POSTGRES_URI_FILE=${PORTICO_TEST_POSTGRES_URI_FILE}"
            FIXTURES_REQUIRED "portico_test_logs;portico_postgres"
            TIMEOUT ${ARG_TIMEOUT})
    endif()
endfunction()
