# Included by tests/ui/CMakeLists.txt: the Dashboard and Usage pages on a generated store of five
# million usage rows (test_usage5m.cpp). Part of every ctest run: about 70 s on two cores (50 s of
# them generating the store), 1.5 GB in the temporary folder while it runs.
# PORTICO_USAGE_ROWS=200000 ctest -R test_usage5m runs it on fewer rows.
portico_add_test(test_usage5m
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_usage5m.cpp
            ${CMAKE_CURRENT_LIST_DIR}/testsupport.h ${CMAKE_CURRENT_LIST_DIR}/usage5mworkload.h
    LIBRARIES portico_ui
    TIMEOUT 600)
# A high cost makes a parallel ctest start it first instead of leaving it for the end.
set_tests_properties(test_usage5m PROPERTIES LABELS large COST 1000)
