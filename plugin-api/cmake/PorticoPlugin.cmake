# SPDX-License-Identifier: MIT
# portico_add_plugin(<target> SOURCES <files...> [OUTPUT_NAME <name>] [MIGRATIONS <dir>])
#
# Builds a Portico plugin: a MODULE library named <name>.so that links Portico::plugin_api and is
# compiled so that the host can really unload it:
#   - hidden visibility: only the negotiation symbol is exported, nothing to clash with;
#   - -fno-gnu-unique (GCC): STB_GNU_UNIQUE symbols (static members of templates, inline
#     variables) pin a library in memory forever and make dlclose a no-op;
#   - -z defs: every symbol must resolve at link time, so a plugin never binds to host internals;
#   - a version script (portico-plugin.map) that exports portico_plugin_negotiate and nothing
#     else, not even the std:: template instances libstdc++ marks visible.
# MIGRATIONS embeds <dir>/NNNN_name.up.sql and .down.sql into the library (ABI 1.3): the host
# applies them before the plugin's init, on first load and on every hot swap. A C++ plugin using
# PORTICO_PLUGIN gets them with no code; a C plugin points portico_plugin_info.migrations at
# portico_plugin_migrations(&info.migration_count), which the generated source defines.
function(portico_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME;MIGRATIONS" "SOURCES" ${ARGN})
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
  set(_map ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/portico-plugin.map)
  target_link_options(${target} PRIVATE "LINKER:-z,defs" "LINKER:--version-script=${_map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${_map})
  if(ARG_MIGRATIONS)
    get_filename_component(_dir "${ARG_MIGRATIONS}" ABSOLUTE)
    file(GLOB _sql CONFIGURE_DEPENDS "${_dir}/*.sql")
    get_property(_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    if("CXX" IN_LIST _languages)
      set(_ext cpp)
    else()
      set(_ext c)
    endif()
    set(_out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.${_ext})
    set(_script ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/PorticoEmbedMigrations.cmake)
    add_custom_command(OUTPUT ${_out}
      COMMAND ${CMAKE_COMMAND} -DMIGRATIONS_DIR=${_dir} -DOUTPUT=${_out} -P ${_script}
      DEPENDS ${_sql} ${_script}
      COMMENT "Embedding the migrations of ${target}"
      VERBATIM)
    target_sources(${target} PRIVATE ${_out})
  endif()
endfunction()
