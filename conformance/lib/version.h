/*
 * version.h - what this build of the kit is: kit version, the spec version
 * it implements, and the git commit it was built from ("unknown" outside a
 * git checkout). Recorded in every oracle and report.
 */
#ifndef OSIB_VERSION_H
#define OSIB_VERSION_H

const char *osib_kit_version(void);
const char *osib_spec_version(void);
const char *osib_git_commit(void);
/* SHA-256 of oracles/MANIFEST as it was when this kit was built. */
const char *osib_oracle_manifest_sha256(void);

#endif
