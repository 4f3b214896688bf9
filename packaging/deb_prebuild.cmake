# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): runs once the files are staged, before the DEB
# generator packs them, in the generator's own scope, so what it sets here is what CPackDeb uses.
#
# Why not CPACK_DEBIAN_PACKAGE_SHLIBDEPS: with it on, CMake's CPackDeb (3.25) also writes postinst and
# postrm scripts that call ldconfig whenever a shared library lies in a folder directly below /usr/lib,
# which /usr/lib/captioner is. Our libraries are private (the binaries find them through their RUNPATH
# $ORIGIN/../lib/captioner; no ld.so.conf names that folder), so ldconfig has nothing to do for them and
# lintian rightly warns (maintscript-calls-ldconfig). So this script runs dpkg-shlibdeps itself, the
# way CPackDeb would, and the package gets the same Depends without maintainer scripts.
#
# It also removes the .comment and .note sections from the (already stripped) ELF files, as Debian's
# dh_strip does (lintian: binary-has-unneeded-section).
#
# Input (CPack variables set in packaging/CMakeLists.txt): CPACK_CAPTIONER_PRIVATE_LIB_DIR (the build
# folder's lib/, where dpkg-shlibdeps finds our own libraries), CPACK_CAPTIONER_STRIP (strip).
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()

set(_root "${CPACK_TEMPORARY_DIRECTORY}/main") # the group of components core + runtime: package captioner
if(NOT IS_DIRECTORY "${_root}")
  message(FATAL_ERROR "deb_prebuild.cmake: no staged files in ${_root} (components grouped differently?)")
endif()

file(GLOB_RECURSE _files LIST_DIRECTORIES false "${_root}/*")
set(_elf_files)
foreach(_f IN LISTS _files)
  if(IS_SYMLINK "${_f}")
    continue()
  endif()
  file(READ "${_f}" _magic LIMIT 4 HEX)
  if(_magic STREQUAL "7f454c46")
    list(APPEND _elf_files "${_f}")
  endif()
endforeach()
if(NOT _elf_files)
  message(FATAL_ERROR "deb_prebuild.cmake: no ELF files staged in ${_root}")
endif()

foreach(_f IN LISTS _elf_files)
  execute_process(COMMAND "${CPACK_CAPTIONER_STRIP}" --remove-section=.comment --remove-section=.note "${_f}"
                  RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "deb_prebuild.cmake: ${CPACK_CAPTIONER_STRIP} failed on ${_f}:\n${_err}")
  endif()
endforeach()

# dpkg-shlibdeps wants a debian/control in its working folder, and a DEBIAN folder at the package root
# to resolve $ORIGIN in RUNPATHs; neither may end up in the package.
set(_work "${CPACK_TOPLEVEL_DIRECTORY}/captioner-shlibdeps")
file(REMOVE_RECURSE "${_work}")
file(WRITE "${_work}/debian/control" "")
set(_made_debian_dir FALSE)
if(NOT EXISTS "${_root}/DEBIAN")
  file(MAKE_DIRECTORY "${_root}/DEBIAN")
  set(_made_debian_dir TRUE)
endif()
find_program(_shlibdeps dpkg-shlibdeps)
if(NOT _shlibdeps)
  message(FATAL_ERROR "deb_prebuild.cmake: dpkg-shlibdeps not found (Debian package dpkg-dev; scripts/setup installs it)")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C "${_shlibdeps}" --ignore-missing-info
                        "-l${CPACK_CAPTIONER_PRIVATE_LIB_DIR}" -O ${_elf_files}
                WORKING_DIRECTORY "${_work}"
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err OUTPUT_STRIP_TRAILING_WHITESPACE)
if(_made_debian_dir)
  file(REMOVE_RECURSE "${_root}/DEBIAN")
endif()
file(REMOVE_RECURSE "${_work}")
if(NOT _rc EQUAL 0 OR NOT _out MATCHES "shlibs:Depends=([^\n]+)")
  message(FATAL_ERROR "deb_prebuild.cmake: dpkg-shlibdeps failed (exit ${_rc}):\n${_out}\n${_err}")
endif()
set(CPACK_DEBIAN_MAIN_PACKAGE_DEPENDS "${CMAKE_MATCH_1}")
message(STATUS "captioner Depends: ${CPACK_DEBIAN_MAIN_PACKAGE_DEPENDS}")
