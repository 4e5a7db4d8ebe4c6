# portico_add_plugin(<target> SOURCES <files...> [OUTPUT_NAME <name>])
#
# Builds a Portico plugin: a MODULE library named <name>.so that links Portico::plugin_api and is
# compiled so that the host can really unload it:
#   - hidden visibility: only the negotiation symbol is exported, nothing to clash with;
#   - -fno-gnu-unique (GCC): STB_GNU_UNIQUE symbols (static members of templates, inline
#     variables) pin a library in memory forever and make dlclose a no-op;
#   - -z defs: every symbol must resolve at link time, so a plugin never binds to host internals.
function(portico_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "portico_add_plugin(${target}): SOURCES is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE Portico::plugin_api)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,GNU>:-fno-gnu-unique>)
  target_link_options(${target} PRIVATE "LINKER:-z,defs")
endfunction()
