# The layers the linker keeps: a library may be told which libraries must never reach its link,
# however indirectly, and the configure step fails if one does.
#
#   portico_forbid_links(portico_ui LIBRARIES portico_http portico_proxy WHY "the pages ...")
#
# The check runs when the top-level CMakeLists.txt is done, so it sees every
# target_link_libraries() made anywhere in the tree, and follows LINK_LIBRARIES and
# INTERFACE_LINK_LIBRARIES through every target. It over-approximates on purpose: a library named
# inside a generator expression counts as linked whatever the condition.

function(portico_forbid_links target)
    cmake_parse_arguments(ARG "" "WHY" "LIBRARIES" ${ARGN})
    if(NOT ARG_LIBRARIES OR NOT ARG_WHY)
        message(FATAL_ERROR "portico_forbid_links(${target}): give LIBRARIES and WHY")
    endif()
    # A deferred call reads its variables when it runs, after this function's are gone: write
    # the values into the call.
    cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${PROJECT_SOURCE_DIR}]] CALL \
        _portico_check_forbidden_links [[${target}]] [[${ARG_WHY}]] ${ARG_LIBRARIES})")
endfunction()

# The targets `item` (one entry of a link list) names: itself, or those inside a generator
# expression such as $<LINK_ONLY:portico_metering>.
function(_portico_linked_targets item out)
    set(found)
    if(item MATCHES "^::@")
        # The directory markers CMake puts around links made from another directory.
    elseif(item MATCHES "\\$<")
        string(REGEX MATCHALL "[A-Za-z0-9_.+:-]+" words "${item}")
        foreach(word IN LISTS words)
            if(TARGET "${word}")
                list(APPEND found "${word}")
            endif()
        endforeach()
    elseif(TARGET "${item}")
        list(APPEND found "${item}")
    endif()
    # An alias counts as the library it stands for.
    set(real_names)
    foreach(name IN LISTS found)
        get_target_property(aliased ${name} ALIASED_TARGET)
        if(aliased)
            list(APPEND real_names ${aliased})
        else()
            list(APPEND real_names ${name})
        endif()
    endforeach()
    set(${out} ${real_names} PARENT_SCOPE)
endfunction()

function(_portico_check_forbidden_links target why)
    set(forbidden ${ARGN})
    if(NOT TARGET ${target})
        message(FATAL_ERROR "portico_forbid_links: ${target} is not a target")
    endif()
    # Breadth first, remembering how each target was reached, to say the whole path. Target
    # names may hold "::", so the path variables are keyed by a C identifier made of the name.
    set(queue ${target})
    set(seen ${target})
    string(MAKE_C_IDENTIFIER "${target}" key)
    set(path_${key} ${target})
    while(queue)
        list(POP_FRONT queue current)
        set(links)
        foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
            get_target_property(values ${current} ${property})
            if(values)
                list(APPEND links ${values})
            endif()
        endforeach()
        string(MAKE_C_IDENTIFIER "${current}" current_key)
        foreach(item IN LISTS links)
            _portico_linked_targets("${item}" names)
            foreach(name IN LISTS names)
                if(name IN_LIST seen)
                    continue()
                endif()
                list(APPEND seen ${name})
                string(MAKE_C_IDENTIFIER "${name}" key)
                set(path_${key} "${path_${current_key}} -> ${name}")
                if(name IN_LIST forbidden)
                    list(JOIN forbidden ", " forbidden_text)
                    message(FATAL_ERROR
                        "Layer check: ${target} must not link ${name}, but it does:\n"
                        "    ${path_${key}}\n"
                        "${why} (${target} may link none of: ${forbidden_text}; see "
                        "cmake/PorticoLayers.cmake.)")
                endif()
                list(APPEND queue ${name})
            endforeach()
        endforeach()
    endwhile()
endfunction()
