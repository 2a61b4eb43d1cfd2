// Lowers TensorFlow Lite's minimum log severity in an already loaded libjnitensorflowlite.so.
//
// Why: TFLite prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." on stderr for every interpreter,
// and the JavaCPP preset does not bind tflite::LoggerOptions. The symbol is exported by the preset's library, so we
// look it up there (RTLD_NOLOAD: never load a second copy) and call it.
#ifndef EDGERT_TFLITE_LOG_H_
#define EDGERT_TFLITE_LOG_H_

#include <dlfcn.h>

// tflite::LoggerOptions::SetMinimumLogSeverity(tflite::LogSeverity), Itanium-mangled.
#define EDGERT_TFLITE_SET_MIN_LOG_SEVERITY "_ZN6tflite13LoggerOptions21SetMinimumLogSeverityENS_11LogSeverityE"

inline bool edgert_tflite_set_min_log_severity(const char* library_path, int severity) {
  if (library_path == nullptr) return false;
  void* handle = dlopen(library_path, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  typedef void (*SetSeverityFn)(int);
  SetSeverityFn fn = reinterpret_cast<SetSeverityFn>(dlsym(handle, EDGERT_TFLITE_SET_MIN_LOG_SEVERITY));
  if (fn != nullptr) fn(severity);
  dlclose(handle);  // drops only the reference taken above
  return fn != nullptr;
}

#endif  // EDGERT_TFLITE_LOG_H_
