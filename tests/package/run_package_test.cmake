# CTest's test_package (cmake -P; registered in packaging/CMakeLists.txt): builds the Debian packages
# from what the build already holds (cpack -G DEB into WORK_DIR; the programs and manual pages must be
# built: `cmake --build build`), then checks them as Debian's tools do:
#   - lintian: no error and no warning (justified tags are overridden in packaging/lintian-overrides and
#     listed in the README); its informational tags are printed;
#   - the package layout: version, no maintainer scripts (no ldconfig for private libraries), copyright
#     and changelog.Debian.gz in each doc folder, manual pages for both programs;
#   - desktop-file-validate on the desktop entry: no message;
#   - man and groff render each manual page without a warning.
# Variables (-D): BUILD_DIR, WORK_DIR, CPACK_COMMAND, VERSION (the packages' version, e.g. 0.1.0-1), GUI.
cmake_minimum_required(VERSION 3.22)
foreach(v BUILD_DIR WORK_DIR CPACK_COMMAND VERSION GUI)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "run_package_test.cmake: -D${v}=... is required")
  endif()
endforeach()

# The tools: Debian packages that scripts/setup installs. Missing ones fail the test, never skip it.
foreach(tool lintian desktop-file-validate dpkg-deb man groff gzip)
  find_program(_path_${tool} ${tool})
  if(NOT _path_${tool})
    set(_package ${tool})
    if(tool STREQUAL "desktop-file-validate")
      set(_package desktop-file-utils)
    elseif(tool STREQUAL "dpkg-deb")
      set(_package dpkg)
    elseif(tool STREQUAL "man")
      set(_package man-db)
    elseif(tool STREQUAL "groff")
      set(_package groff-base)
    endif()
    message(FATAL_ERROR "test_package needs ${tool} (Debian package ${_package}): run scripts/setup, which "
                        "installs it, or apt-get install ${_package}")
  endif()
endforeach()

set(man_pages captioner)
if(GUI)
  list(APPEND man_pages captioner-gui)
endif()
foreach(page IN LISTS man_pages)
  if(NOT EXISTS ${BUILD_DIR}/packaging/man/${page}.1.gz)
    message(FATAL_ERROR "${BUILD_DIR}/packaging/man/${page}.1.gz is missing: build first "
                        "(cmake --build ${BUILD_DIR}; target captioner_manpages)")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}):\n${ARGN}\n${out}${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
  set(step_error "${err}" PARENT_SCOPE)
endfunction()

# 1. The packages.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run_step("cpack -G DEB" ${CPACK_COMMAND} --config ${BUILD_DIR}/CPackConfig.cmake -G DEB -B ${WORK_DIR})
file(GLOB debs ${WORK_DIR}/*.deb)
list(SORT debs)
set(main_deb ${WORK_DIR}/captioner_${VERSION}_amd64.deb)
set(dev_deb ${WORK_DIR}/captioner-dev_${VERSION}_amd64.deb)
if(NOT main_deb IN_LIST debs OR NOT dev_deb IN_LIST debs)
  message(FATAL_ERROR "cpack made ${debs}; expected captioner_${VERSION}_amd64.deb and captioner-dev_${VERSION}_amd64.deb")
endif()

# 2. lintian. --fail-on error,warning: its exit status says whether any error or warning was left.
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 ${_path_lintian} --fail-on error,warning
                        --display-info ${debs}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCHALL "(^|\n)[EW]: [^\n]*" bad "${out}")
if(NOT rc EQUAL 0 OR bad)
  message(FATAL_ERROR "lintian reports errors or warnings (exit ${rc}):\n${out}${err}")
endif()
message(STATUS "lintian: no errors, no warnings. Its informational tags:\n${out}")

# 3. What is in the captioner package.
set(root ${WORK_DIR}/root)
run_step("dpkg-deb -x" ${_path_dpkg-deb} -x ${main_deb} ${root})
run_step("dpkg-deb -x (dev)" ${_path_dpkg-deb} -x ${dev_deb} ${root})
run_step("dpkg-deb -e" ${_path_dpkg-deb} -e ${main_deb} ${WORK_DIR}/control)
foreach(script preinst postinst prerm postrm triggers)
  if(EXISTS ${WORK_DIR}/control/${script})
    file(READ ${WORK_DIR}/control/${script} body)
    message(FATAL_ERROR "the captioner package has a ${script} (its libraries are private: no ldconfig):\n${body}")
  endif()
endforeach()
file(READ ${WORK_DIR}/control/control control)
if(NOT control MATCHES "\nVersion: ${VERSION}\n" OR NOT control MATCHES "\nDepends: [^\n]*libtorch")
  message(FATAL_ERROR "the captioner package's control file lacks Version ${VERSION} or a LibTorch dependency:\n${control}")
endif()
foreach(package captioner captioner-dev)
  foreach(f copyright changelog.Debian.gz)
    if(NOT EXISTS ${root}/usr/share/doc/${package}/${f})
      message(FATAL_ERROR "the ${package} package lacks /usr/share/doc/${package}/${f}")
    endif()
  endforeach()
endforeach()

# 4. The desktop entry.
if(GUI)
  set(desktop ${root}/usr/share/applications/captioner.desktop)
  if(NOT EXISTS ${desktop})
    message(FATAL_ERROR "the captioner package lacks /usr/share/applications/captioner.desktop")
  endif()
  execute_process(COMMAND ${_path_desktop-file-validate} ${desktop} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
    message(FATAL_ERROR "desktop-file-validate captioner.desktop (exit ${rc}):\n${out}")
  endif()
endif()

# 5. The manual pages, rendered as lintian does (man --warnings) and by groff with all warnings on.
foreach(page IN LISTS man_pages)
  set(file ${root}/usr/share/man/man1/${page}.1.gz)
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "the captioner package lacks /usr/share/man/man1/${page}.1.gz")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 MANROFFSEQ= MANWIDTH=80
                          ${_path_man} --warnings -E UTF-8 -l -Tutf8 -Z ${file}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
    message(FATAL_ERROR "man --warnings -l ${page}.1.gz (exit ${rc}):\n${err}")
  endif()
  execute_process(COMMAND ${_path_gzip} -dc ${file} COMMAND ${_path_groff} -man -Tutf8 -ww -z
                  RESULTS_VARIABLE rcs ERROR_VARIABLE err)
  if(NOT rcs STREQUAL "0;0" OR NOT err STREQUAL "")
    message(FATAL_ERROR "groff -man -ww ${page}.1.gz (exit ${rcs}):\n${err}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 MANWIDTH=80 ${_path_man} -l ${file}
                  OUTPUT_VARIABLE text ERROR_QUIET)
  set(expected "OPTIONS")
  if(page STREQUAL "captioner")
    # Every command's --help is a subsection; one of them as a sample.
    set(expected "captioner caption")
  endif()
  string(FIND "${text}" "${expected}" at)
  if(at LESS 0)
    message(FATAL_ERROR "${page}.1.gz renders without '${expected}':\n${text}")
  endif()
endforeach()
message(STATUS "test_package: ${debs}: lintian, desktop-file-validate, man and groff clean")
