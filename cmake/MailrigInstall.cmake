# Installs the libraries, headers, the mailrig command and an exported CMake package, so that
# find_package(mailrig) gives mailrig::client and mailrig::fakeserver.
include(CMakePackageConfigHelpers)

install(TARGETS mailrig_client mailrig_fakeserver mailrig_ytnef
  EXPORT mailrigTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS mailrig RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY client/include/ fakeserver/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT mailrigTargets
  NAMESPACE mailrig::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mailrig)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mailrigConfig.cmake.in
  ${PROJECT_BINARY_DIR}/mailrigConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mailrig)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mailrigConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mailrigConfig.cmake ${PROJECT_BINARY_DIR}/mailrigConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mailrig)
