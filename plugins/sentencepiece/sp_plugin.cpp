extern "C" int captioner_sp_abi_version() { return 1; }
