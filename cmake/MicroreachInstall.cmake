# Installs the generated client libraries with a CMake package config so that
# another project can `find_package(microreach CONFIG REQUIRED)` and link
# `microreach::mr_proto_search` (and the other packages' stubs).
include(CMakePackageConfigHelpers)
get_property(mr_exported GLOBAL PROPERTY MR_EXPORTED_TARGETS)
install(TARGETS ${mr_exported} EXPORT microreachTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT microreachTargets NAMESPACE microreach::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/microreach)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/microreachConfig.cmake.in
  ${PROJECT_BINARY_DIR}/microreachConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/microreach)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/microreachConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/microreachConfig.cmake
  ${PROJECT_BINARY_DIR}/microreachConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/microreach)
