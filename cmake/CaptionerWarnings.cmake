# Warnings for our own targets only; third-party headers come in as SYSTEM includes.
# CAPTIONER_WERROR (top-level option, on in CI) makes them errors.
function(captioner_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(CAPTIONER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
