# mailrig_set_warnings(target): the project's warning flags, applied privately.
function(mailrig_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
endfunction()
