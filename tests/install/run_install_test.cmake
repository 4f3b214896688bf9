# CTest's test_install (cmake -P): installs the core of the build into a temporary prefix, builds the outside
# project here (CMakeLists.txt, main.cpp) against it with find_package(Captioner), runs it on a
# fixture checkpoint and image, and checks the caption and where everything was loaded from.
# Variables (-D): BUILD_DIR, PROBE_SOURCE_DIR, WORK_DIR, FIXTURES_DIR, GENERATOR, CXX_COMPILER,
# EXPECTED_VERSION, CXX_LAUNCHER (may be empty), SANITIZE (ON/OFF).
cmake_minimum_required(VERSION 3.22)
foreach(v BUILD_DIR PROBE_SOURCE_DIR WORK_DIR FIXTURES_DIR GENERATOR CXX_COMPILER EXPECTED_VERSION)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "run_install_test.cmake: -D${v}=... is required")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}):\n${ARGN}\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(probe_build ${WORK_DIR}/probe-build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. The install of what an embedding program needs: components core (library, plugin, data) and dev
# (headers, CMake package), as the captioner and captioner-dev packages ship them. The apps (component
# runtime) are left out, so this test needs only the core built.
foreach(component core dev)
  run_step("cmake --install --component ${component}"
           ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component ${component})
endforeach()
file(GLOB_RECURSE config_files RELATIVE ${prefix} ${prefix}/*/CaptionerConfig*.cmake)
list(SORT config_files)
message(STATUS "installed package files: ${config_files}")
foreach(f include/captioner/caption_pipeline.h include/captioner/version.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "the install lacks ${f}")
  endif()
endforeach()

# 2. The outside project, finding Captioner only in the prefix (no package registry, no Captioner_DIR).
set(flags)
if(SANITIZE)
  # A sanitized core needs the sanitizer runtime first in the program too.
  set(flags -DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
endif()
if(CXX_LAUNCHER)
  list(APPEND flags -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER})
endif()
run_step("configuring the outside project" ${CMAKE_COMMAND} -S ${PROBE_SOURCE_DIR} -B ${probe_build} -G ${GENERATOR}
         -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix}
         -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF ${flags})
file(STRINGS ${probe_build}/CMakeCache.txt captioner_dir REGEX "^Captioner_DIR:")
string(REGEX REPLACE "^Captioner_DIR:[A-Z]+=" "" captioner_dir "${captioner_dir}")
file(REAL_PATH ${prefix} real_prefix)
file(REAL_PATH "${captioner_dir}" real_captioner_dir)
string(FIND "${real_captioner_dir}/" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "find_package(Captioner) found ${captioner_dir}, not the install in ${prefix}")
endif()
run_step("building the outside project" ${CMAKE_COMMAND} --build ${probe_build})

# 3. Run it with no hints in the environment: the installed core must find its plugin and data itself.
run_step("captioner_install_probe" ${CMAKE_COMMAND} -E env --unset=CAPTIONER_PLUGIN_DIR --unset=CAPTIONER_DATA_DIR
         ${probe_build}/captioner_install_probe ${FIXTURES_DIR}/pipeline/model
         ${FIXTURES_DIR}/image/input/photo_320x240.jpg)
message(STATUS "captioner_install_probe said:\n${step_output}")

# The caption transformers 4.46 gives for this checkpoint and image (greedy, max_length 20), as
# test_caption_pipeline asserts it.
file(READ ${FIXTURES_DIR}/pipeline/model_reference.json reference)
string(JSON expected GET "${reference}" greedy photo_320x240.jpg caption)

function(probe_line key out)
  string(REGEX MATCH "(^|\n)${key}: ([^\n]*)" line "${step_output}")
  if(NOT line)
    message(FATAL_ERROR "captioner_install_probe printed no '${key}:' line")
  endif()
  set(${out} "${CMAKE_MATCH_2}" PARENT_SCOPE)
endfunction()

probe_line(caption caption)
if(NOT caption STREQUAL expected)
  message(FATAL_ERROR "caption '${caption}', expected '${expected}' (tests/fixtures/pipeline/model_reference.json)")
endif()
probe_line(version version)
if(NOT version STREQUAL EXPECTED_VERSION)
  message(FATAL_ERROR "the installed version.h says '${version}', the build is ${EXPECTED_VERSION}")
endif()
foreach(key core plugin data)
  probe_line(${key} path)
  file(REAL_PATH "${path}" real_path)
  string(FIND "${real_path}" "${real_prefix}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "${key} was loaded from ${path}, not from the install in ${prefix}")
  endif()
endforeach()
message(STATUS "test_install: caption '${caption}'; library, plugin and data from ${prefix}")
