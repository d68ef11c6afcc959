/*
 * cpu_real.h - the element type of reference/cpu's fields, and the names
 * the kernels' external symbols link under.
 *
 * Why two builds. The kernels are compiled twice from the same text
 * (Makefile): into libosibcpu.a with float32 fields, the implementation
 * osib-cpu certifies and make bench times, and with -DOSIB_CPU_FLOAT64 into
 * libosibcpu64.a with float64 fields: the kit's fast, in-process float64
 * reference for cases far too large for the single-thread reference/simple
 * (reference/cpu/README.md). Everything else about the two is the same:
 * the loops, their order of operations, temporal blocking, and subnormals
 * flushed to zero (cpu_fpenv.h; spec/acoustic.md §13 allows it in float64
 * too, where it changes a value by less than 2.3e-308).
 *
 * Names. Both libraries can be linked into one program (osib-cpu links
 * both and picks one with --precision), so no external symbol may have the
 * same name in both. The sources are written with the float32 names,
 * cpu_... and osib_backend_cpu; in the float64 build the list below
 * renames each, through CPU_SYM, to cpu64_... and osib_backend_cpu64. A
 * new external function must be added to the list: a name left out would
 * link, silently, to the float32 definition. tests/e2e/cpu_kernels.sh
 * checks with nm that the float64 library defines no name outside cpu64_.
 * Types (cpu_problem, ...) are not symbols; only the kernels' own sources
 * include the headers that define them, never both builds' at once.
 *
 * Sizes. What is about memory is counted in bytes and converted with
 * sizeof (cpu_real), so that the float64 build keeps the same alignment
 * and distances in bytes: a stored row is padded to CPU_ALIGN_BYTES (one
 * cache line, one AVX-512 vector: 16 floats or 8 doubles), the history is
 * asked for 2 KiB ahead (cpu_kernels.c), and a wavefront tile's window is
 * CPU_WAVEFRONT_BYTES (cpu_sweep.h).
 */
#ifndef CPU_REAL_H
#define CPU_REAL_H

#ifdef OSIB_CPU_FLOAT64
typedef double cpu_real;
#define CPU_SYM(name) cpu64_##name
#define CPU_PRECISION "float64"
#else
typedef float cpu_real;
#define CPU_SYM(name) cpu_##name
#define CPU_PRECISION "float32"
#endif

/* Alignment of every field and padding of every stored row: one 64-byte
 * cache line, so each z row starts on a line and the inner loops run on
 * whole aligned AVX-512 vectors; CPU_ALIGN_REALS elements. */
enum { CPU_ALIGN_BYTES = 64, CPU_ALIGN_REALS = CPU_ALIGN_BYTES / (int)sizeof(cpu_real) };

#ifdef OSIB_CPU_FLOAT64
/* Every external symbol of reference/cpu except main.c's (nm -g
 * --defined-only build/lib/libosibcpu.a). */
#define osib_backend_cpu osib_backend_cpu64
#define cpu_adjoint CPU_SYM(adjoint)
#define cpu_alloc_huge CPU_SYM(alloc_huge)
#define cpu_born CPU_SYM(born)
#define cpu_born_adjoint CPU_SYM(born_adjoint)
#define cpu_field_alloc CPU_SYM(field_alloc)
#define cpu_extend_field CPU_SYM(extend_field)
#define cpu_fold_image CPU_SYM(fold_image)
#define cpu_tti_adjoint CPU_SYM(tti_adjoint)
#define cpu_tti_block CPU_SYM(tti_block)
#define cpu_tti_born CPU_SYM(tti_born)
#define cpu_tti_born_adjoint CPU_SYM(tti_born_adjoint)
#define cpu_tti_flops_per_point CPU_SYM(tti_flops_per_point)
#define cpu_tti_forward CPU_SYM(tti_forward)
#define cpu_tti_free CPU_SYM(tti_free)
#define cpu_tti_gradient CPU_SYM(tti_gradient)
#define cpu_tti_init CPU_SYM(tti_init)
#define cpu_tti_scratch_bytes CPU_SYM(tti_scratch_bytes)
#define cpu_tti_scratch_free CPU_SYM(tti_scratch_free)
#define cpu_tti_scratch_init CPU_SYM(tti_scratch_init)
#define cpu_tti_set_thomsen CPU_SYM(tti_set_thomsen)
#define cpu_tti_tiles CPU_SYM(tti_tiles)
#define cpu_work_fields CPU_SYM(work_fields)
#define cpu_work_residual CPU_SYM(work_residual)
#define cpu_zero_field CPU_SYM(zero_field)
#define cpu_forward CPU_SYM(forward)
#define cpu_gradient CPU_SYM(gradient)
#define cpu_operator_bytes CPU_SYM(operator_bytes)
#define cpu_options_parse CPU_SYM(options_parse)
#define cpu_phys_index CPU_SYM(phys_index)
#define cpu_problem_free CPU_SYM(problem_free)
#define cpu_residual_objective CPU_SYM(residual_objective)
#define cpu_problem_init CPU_SYM(problem_init)
#define cpu_problem_set_model CPU_SYM(problem_set_model)
#define cpu_sparse_inject_block CPU_SYM(sparse_inject_block)
#define cpu_sparse_record_block CPU_SYM(sparse_record_block)
#define cpu_stream_copy CPU_SYM(stream_copy)
#define cpu_stream_fence CPU_SYM(stream_fence)
#define cpu_sweep_block CPU_SYM(sweep_block)
#define cpu_sweep_level CPU_SYM(sweep_level)
#define cpu_sweep_level2 CPU_SYM(sweep_level2)
#define cpu_sweep_run CPU_SYM(sweep_run)
#define cpu_sweep_run_steps CPU_SYM(sweep_run_steps)
#define cpu_histfile_open CPU_SYM(histfile_open)
#define cpu_histfile_close CPU_SYM(histfile_close)
#define cpu_histfile_write CPU_SYM(histfile_write)
#define cpu_histfile_read CPU_SYM(histfile_read)
#define cpu_histfile_wait CPU_SYM(histfile_wait)
#define cpu_histfile_direct CPU_SYM(histfile_direct)
#define cpu_zfp_open CPU_SYM(zfp_open)
#define cpu_zfp_close CPU_SYM(zfp_close)
#define cpu_zfp_store CPU_SYM(zfp_store)
#define cpu_zfp_load CPU_SYM(zfp_load)
#define cpu_zfp_level_bytes CPU_SYM(zfp_level_bytes)
#define cpu_zfp_rate CPU_SYM(zfp_rate)
#define cpu_sweep_sparse CPU_SYM(sweep_sparse)
#define cpu_time_block CPU_SYM(time_block)
#define cpu_tune_choose CPU_SYM(tune_choose)
#define cpu_tune_fixed_window CPU_SYM(tune_fixed_window)
#define cpu_tune_mode_parse CPU_SYM(tune_mode_parse)
#define cpu_tune_rule_window CPU_SYM(tune_rule_window)
#define cpu_update_plane_pair CPU_SYM(update_plane_pair)
#define cpu_update_rows CPU_SYM(update_rows)
#define cpu_whole_plane CPU_SYM(whole_plane)
#endif

#endif
