# Included by tests/ui/CMakeLists.txt: the Audit page and the History sections on a real store.
portico_add_test(test_auditpage
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_auditpage.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui Qt6::Sql)
