# The Taylor-gate study (taylor-data.c, taylor-devito.py), built apart from the main
# Makefile but with its flags and libraries: this file includes it, so the
# study program is compiled exactly like the kit's programs and the
# libraries it links are the ones `make` builds (and rebuilt when stale).
#
#   make -f tools/study/taylor.mk        from the repository root
#
# builds build/study/bin/taylor-data.

include Makefile
.DEFAULT_GOAL := taylor-study

TAYLOR_BIN := $(BUILD)/study/bin/taylor-data

.PHONY: taylor-study
taylor-study: $(TAYLOR_BIN)

# Linked like osib-cpu: the float32 kernels need OpenMP at link time.
$(TAYLOR_BIN): tools/study/taylor-data.c $(CPU_LIB) $(LIBS) $(BUILD_INFO)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC LD   $@")
	$(Q)$(CC) $(CFLAGS_ALL) -fopenmp -o $@ $< $(CPU_LIB) $(LIBS) $(LDLIBS_ALL)

# taylor-gate: the gate's own rule (osib_taylor_measure, OSIB_TAYLOR_RHO_MAX)
# applied to the study's CSV files (spec/protocol.md §3.1).
GATE_BIN := $(BUILD)/study/bin/taylor-gate
taylor-study: $(GATE_BIN)
$(GATE_BIN): tools/study/taylor-gate.c $(LIBS) $(BUILD_INFO)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC LD   $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(LIBS) $(LDLIBS_ALL)
