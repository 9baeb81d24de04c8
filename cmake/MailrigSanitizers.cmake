# With MAILRIG_SANITIZE=ON every target is built with ASan and UBSan, and UBSan findings abort.
if(MAILRIG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# With MAILRIG_FUZZ=ON (clang only) every target carries libFuzzer's coverage instrumentation and
# the tests/fuzz targets link libFuzzer's driver instead of the corpus replayer.
if(MAILRIG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MAILRIG_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
