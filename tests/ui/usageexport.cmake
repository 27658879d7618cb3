# Included by tests/ui/CMakeLists.txt: the Usage page's CSV export against the real
# `portico-gateway usage --csv` process, byte for byte (test_usageexport.cpp).
if(TARGET portico-gateway)
    portico_add_test(test_usageexport
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_usageexport.cpp
                ${CMAKE_CURRENT_LIST_DIR}/testsupport.h
        LIBRARIES portico_ui)
    target_compile_definitions(test_usageexport PRIVATE
        PORTICO_GATEWAY_BINARY="$<TARGET_FILE:portico-gateway>")
    add_dependencies(test_usageexport portico-gateway)
endif()
