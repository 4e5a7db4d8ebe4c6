# SPDX-License-Identifier: Apache-2.0
# Debian packages, built by CPack from a tree configured with CMAKE_INSTALL_PREFIX=/usr (the
# presets are): `packaging/dev package`, or `cpack -G DEB` in the build dir.
#   portico             porticod, porticoctl, the plugins, /etc/portico, the systemd units
#   portico-plugin-dev  the plugin SDK: headers, CMake package, pkg-config file, templates
# tests/package/check installs both with dpkg -i and uses them.
set(_etc_dir ${CMAKE_INSTALL_FULL_SYSCONFDIR}/portico)
set(_data_dir ${CMAKE_INSTALL_FULL_DATADIR}/portico)
set(_doc_dir ${CMAKE_INSTALL_FULL_DATADIR}/doc/portico)
set(_packaged ${PROJECT_BINARY_DIR}/packaging)
# Debian keeps units in /lib/systemd/system; any other prefix keeps them under itself.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_unit_dir /lib/systemd/system)
else()
  set(_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()

set(ETC_DIR ${_etc_dir})
set(DATA_DIR ${_data_dir})
set(DOC_DIR ${_doc_dir})
set(BIN_DIR ${CMAKE_INSTALL_FULL_BINDIR})
set(PLUGINS_DIR ${CMAKE_INSTALL_FULL_LIBDIR}/portico/plugins)
configure_file(packaging/porticod.properties ${_packaged}/porticod.properties @ONLY)
configure_file(packaging/systemd/porticod.service.in ${_packaged}/porticod.service @ONLY)

install(FILES ${_packaged}/porticod.properties DESTINATION ${_etc_dir} COMPONENT host)
install(FILES ${_packaged}/porticod.service packaging/systemd/porticod.socket
        DESTINATION ${_unit_dir} COMPONENT host)
install(FILES conf/porticod.properties DESTINATION ${_doc_dir}
        RENAME porticod.properties.defaults COMPONENT host)
install(FILES README.md DESTINATION ${_doc_dir} COMPONENT host)
install(FILES packaging/nginx.conf DESTINATION ${_doc_dir}/examples COMPONENT host)

# Each package's copyright and changelog, where Debian looks for them. The date follows
# SOURCE_DATE_EPOCH when it is set (reproducible builds).
set(_maintainer "Portico maintainers <maintainers@portico-server.org>")
string(TIMESTAMP _date "%a, %d %b %Y %H:%M:%S +0000" UTC)
foreach(_pair "host=portico" "plugin-api=portico-plugin-dev")
  string(REPLACE "=" ";" _pair "${_pair}")
  list(GET _pair 0 _component)
  list(GET _pair 1 PACKAGE)
  set(VERSION ${PROJECT_VERSION})
  set(MAINTAINER ${_maintainer})
  set(DATE ${_date})
  configure_file(packaging/deb/changelog.in ${_packaged}/${PACKAGE}/changelog @ONLY)
  execute_process(COMMAND gzip -9nf ${_packaged}/${PACKAGE}/changelog COMMAND_ERROR_IS_FATAL ANY)
  install(FILES ${_packaged}/${PACKAGE}/changelog.gz packaging/deb/copyright
          DESTINATION ${CMAKE_INSTALL_FULL_DATADIR}/doc/${PACKAGE} COMPONENT ${_component})
endforeach()
file(WRITE ${_packaged}/conffiles "${_etc_dir}/porticod.properties\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portico)
set(CPACK_PACKAGE_VENDOR "The Portico authors")
set(CPACK_PACKAGE_CONTACT ${_maintainer})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description below starts with its own summary line; CPack would otherwise put
# the project's in front of both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL host plugin-api)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_HOST_PACKAGE_NAME portico)
set(CPACK_DEBIAN_HOST_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HOST_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_HOST_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_HOST_PACKAGE_SUGGESTS "postgresql, redis-server, nginx")
set(CPACK_DEBIAN_HOST_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/deb/postinst;${PROJECT_SOURCE_DIR}/packaging/deb/postrm;${_packaged}/conffiles")
set(CPACK_DEBIAN_HOST_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_HOST_DESCRIPTION
    "application server with hot-swappable plugins
porticod loads each backend service as a shared-library plugin through
a stable C ABI, routes HTTP requests to it and lends it pooled
PostgreSQL and Redis sessions, an event bus and a job queue. Plugins
are upgraded without restarting the host and without a failed request.

This package holds porticod, porticoctl, the first-party plugins and
the systemd units.")

set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_NAME portico-plugin-dev)
set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_PLUGIN-API_PACKAGE_SUGGESTS "cmake, pkg-config, g++ | clang")
set(CPACK_DEBIAN_PLUGIN-API_DESCRIPTION
    "plugin SDK for the Portico application server
The C ABI header, the header-only C++17 SDK, a CMake package
(find_package(PorticoPluginAPI)), a pkg-config file and two templates
(C and C++) for writing porticod plugins with any compiler.")
# The pkg-config file is only for building plugins, and hidden visibility is part of that
# contract (a plugin exports its entry point alone); Debian's check assumes a library's flags.
install(FILES packaging/deb/portico-plugin-dev.lintian-overrides
        DESTINATION ${CMAKE_INSTALL_FULL_DATADIR}/lintian/overrides RENAME portico-plugin-dev
        COMPONENT plugin-api)

include(CPack)
