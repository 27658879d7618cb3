# Included by tests/ui/CMakeLists.txt: File → Open Store and the shared store's change
# notifications (also on PostgreSQL).
portico_add_test(test_openstore POSTGRES
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_openstore.cpp ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
    LIBRARIES portico_ui Qt6::Sql)
