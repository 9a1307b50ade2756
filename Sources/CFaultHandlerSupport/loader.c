// Dynamic-loader queries. None of these is async-signal-safe (dl_iterate_phdr takes the loader lock); they
// run only while preparing the image table, outside any signal handler.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"

#include <link.h>

struct iterate_context {
    cfh_image_callback callback;
    void *context;
};

static int iterate_trampoline(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct iterate_context *iterate = data;
    cfh_image_info image = {
        .load_bias = (uintptr_t)info->dlpi_addr,
        .name = info->dlpi_name,
        .program_headers = info->dlpi_phdr,
        .program_header_count = info->dlpi_phnum,
    };
    return iterate->callback(&image, iterate->context);
}

int cfh_iterate_images(cfh_image_callback callback, void *context) {
    struct iterate_context iterate = {callback, context};
    return dl_iterate_phdr(iterate_trampoline, &iterate);
}

static int count_adds(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    unsigned long long *out = data;
    *out = info->dlpi_adds + info->dlpi_subs * 0x100000000ULL;
    return 1;  // the counters are global; the first image is enough
}

unsigned long long cfh_loader_generation(void) {
    unsigned long long generation = 0;
    dl_iterate_phdr(count_adds, &generation);
    return generation;
}

extern struct r_debug _r_debug;

const void *cfh_r_debug(void) { return &_r_debug; }
