// CFH_UNDER_SANITIZER is defined when this target is compiled for AddressSanitizer or ThreadSanitizer. Their
// runtimes interpose pthread_create and dlopen themselves; this library's replacements step aside then (see
// docs/threads.md).
#ifndef CFH_SANITIZER_DETECTION_H
#define CFH_SANITIZER_DETECTION_H
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CFH_UNDER_SANITIZER 1
#endif
#endif
#endif
