# find_package(Captioner) for programs outside this tree: CaptionerConfig.cmake, its version file and
# the exported Captioner::core, installed with the headers (component dev). Included from core/.
include(CMakePackageConfigHelpers)

# The public headers use C++17 (std::optional, std::string_view); a consumer must compile as C++17 too.
target_compile_features(captioner_core PUBLIC cxx_std_17)

set(CAPTIONER_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Captioner)
# Where LibTorch was found for this build: the installed config tries it first (LibTorch has no
# standard prefix unless it comes from Debian).
set(CAPTIONER_BUILT_WITH_TORCH_DIR "${Torch_DIR}")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/CaptionerConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/CaptionerConfig.cmake
  INSTALL_DESTINATION ${CAPTIONER_CMAKE_INSTALL_DIR})
# 0.x: a minor version may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/CaptionerConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(EXPORT CaptionerTargets NAMESPACE Captioner:: DESTINATION ${CAPTIONER_CMAKE_INSTALL_DIR} COMPONENT dev)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/CaptionerConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/CaptionerConfigVersion.cmake
        DESTINATION ${CAPTIONER_CMAKE_INSTALL_DIR} COMPONENT dev)
