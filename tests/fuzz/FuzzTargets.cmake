# Fuzz targets (tests/fuzz/<Name>Fuzz.cpp). Included from tests/CMakeLists.txt.
#
# mailrig_add_fuzz(Name LIBRARIES libs... CORPUS dirs... SOURCES files...) builds fuzz_<Name>. With MAILRIG_FUZZ
# it is a libFuzzer target (tests/fuzz/run drives it); otherwise it replays its corpus, the
# directory fixtures/fuzz/<Name> (seeds and every input a fuzzing run found) plus the CORPUS
# directories, as the CTest test fuzz_<Name>. The corpus list is also written to
# <build>/fuzz/<Name>.corpus, one directory per line, for tests/fuzz/run.
function(mailrig_add_fuzz name)
  cmake_parse_arguments(FUZZ "" "" "LIBRARIES;CORPUS;SOURCES" ${ARGN})
  set(target fuzz_${name})
  set(corpus ${PROJECT_SOURCE_DIR}/fixtures/fuzz/${name} ${FUZZ_CORPUS})
  add_executable(${target} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}Fuzz.cpp ${FUZZ_SOURCES})
  target_link_libraries(${target} PRIVATE ${FUZZ_LIBRARIES} Threads::Threads)
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
    ${PROJECT_SOURCE_DIR}/client/src ${PROJECT_SOURCE_DIR}/fakeserver/src)
  target_compile_definitions(${target} PRIVATE MAILRIG_SUITE_DIR="${PROJECT_SOURCE_DIR}/scenarios/suite")
  mailrig_set_warnings(${target})
  if(MAILRIG_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/ReplayMain.cpp)
    add_test(NAME ${target} COMMAND ${target} ${corpus})
    set_tests_properties(${target} PROPERTIES TIMEOUT 300 LABELS fuzz)
  endif()
  string(REPLACE ";" "\n" lines "${corpus}")
  file(WRITE ${CMAKE_BINARY_DIR}/fuzz/${name}.corpus "${lines}\n")
endfunction()

set(MAILRIG_FUZZ_EML ${PROJECT_SOURCE_DIR}/fixtures/eml)
set(MAILRIG_FUZZ_ICS ${PROJECT_SOURCE_DIR}/fixtures/ical)

# The verifying side: what the fake server reads from the wire and what its views parse.
set(MAILRIG_FUZZ_EXCHANGE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/Exchange.cpp)
mailrig_add_fuzz(SmtpServer LIBRARIES mailrig::fakeserver SOURCES ${MAILRIG_FUZZ_EXCHANGE})
mailrig_add_fuzz(MessageView LIBRARIES mailrig::fakeserver CORPUS ${MAILRIG_FUZZ_EML})
mailrig_add_fuzz(TnefDecoder LIBRARIES mailrig::fakeserver)
mailrig_add_fuzz(CalendarView LIBRARIES mailrig::fakeserver CORPUS ${MAILRIG_FUZZ_ICS})
mailrig_add_fuzz(ServerConfigYaml LIBRARIES mailrig::fakeserver)
# The client: what a hostile server answers, and messages loaded from disk.
mailrig_add_fuzz(SmtpClient LIBRARIES mailrig::client SOURCES ${MAILRIG_FUZZ_EXCHANGE})
mailrig_add_fuzz(MailMessage LIBRARIES mailrig::client CORPUS ${MAILRIG_FUZZ_EML})
mailrig_add_fuzz(CompressedRtf LIBRARIES mailrig::client)
# Scenario files.
mailrig_add_fuzz(Scenario LIBRARIES mailrig::scenarios CORPUS ${PROJECT_SOURCE_DIR}/scenarios/suite)
