// DWARF 4 and 5 constants used by the line-table and inlining readers, spelled as in the specification.

// Unit types (DWARF 5, 7.5.1).
package let DW_UT_compile: UInt8 = 0x01
package let DW_UT_type: UInt8 = 0x02
package let DW_UT_partial: UInt8 = 0x03
package let DW_UT_skeleton: UInt8 = 0x04
package let DW_UT_split_compile: UInt8 = 0x05
package let DW_UT_split_type: UInt8 = 0x06

// Tags.
package let DW_TAG_compile_unit: UInt64 = 0x11
package let DW_TAG_partial_unit: UInt64 = 0x3c
package let DW_TAG_subprogram: UInt64 = 0x2e
package let DW_TAG_inlined_subroutine: UInt64 = 0x1d

// Attributes.
package let DW_AT_name: UInt64 = 0x03
package let DW_AT_stmt_list: UInt64 = 0x10
package let DW_AT_low_pc: UInt64 = 0x11
package let DW_AT_high_pc: UInt64 = 0x12
package let DW_AT_comp_dir: UInt64 = 0x1b
package let DW_AT_abstract_origin: UInt64 = 0x31
package let DW_AT_specification: UInt64 = 0x47
package let DW_AT_ranges: UInt64 = 0x55
package let DW_AT_call_column: UInt64 = 0x57
package let DW_AT_call_file: UInt64 = 0x58
package let DW_AT_call_line: UInt64 = 0x59
package let DW_AT_linkage_name: UInt64 = 0x6e
package let DW_AT_str_offsets_base: UInt64 = 0x72
package let DW_AT_addr_base: UInt64 = 0x73
package let DW_AT_rnglists_base: UInt64 = 0x74
package let DW_AT_MIPS_linkage_name: UInt64 = 0x2007
package let DW_AT_GNU_addr_base: UInt64 = 0x2133
package let DW_AT_GNU_ranges_base: UInt64 = 0x2132

// Forms.
package let DW_FORM_addr: UInt64 = 0x01
package let DW_FORM_block2: UInt64 = 0x03
package let DW_FORM_block4: UInt64 = 0x04
package let DW_FORM_data2: UInt64 = 0x05
package let DW_FORM_data4: UInt64 = 0x06
package let DW_FORM_data8: UInt64 = 0x07
package let DW_FORM_string: UInt64 = 0x08
package let DW_FORM_block: UInt64 = 0x09
package let DW_FORM_block1: UInt64 = 0x0a
package let DW_FORM_data1: UInt64 = 0x0b
package let DW_FORM_flag: UInt64 = 0x0c
package let DW_FORM_sdata: UInt64 = 0x0d
package let DW_FORM_strp: UInt64 = 0x0e
package let DW_FORM_udata: UInt64 = 0x0f
package let DW_FORM_ref_addr: UInt64 = 0x10
package let DW_FORM_ref1: UInt64 = 0x11
package let DW_FORM_ref2: UInt64 = 0x12
package let DW_FORM_ref4: UInt64 = 0x13
package let DW_FORM_ref8: UInt64 = 0x14
package let DW_FORM_ref_udata: UInt64 = 0x15
package let DW_FORM_indirect: UInt64 = 0x16
package let DW_FORM_sec_offset: UInt64 = 0x17
package let DW_FORM_exprloc: UInt64 = 0x18
package let DW_FORM_flag_present: UInt64 = 0x19
package let DW_FORM_strx: UInt64 = 0x1a
package let DW_FORM_addrx: UInt64 = 0x1b
package let DW_FORM_ref_sup4: UInt64 = 0x1c
package let DW_FORM_strp_sup: UInt64 = 0x1d
package let DW_FORM_data16: UInt64 = 0x1e
package let DW_FORM_line_strp: UInt64 = 0x1f
package let DW_FORM_ref_sig8: UInt64 = 0x20
package let DW_FORM_implicit_const: UInt64 = 0x21
package let DW_FORM_loclistx: UInt64 = 0x22
package let DW_FORM_rnglistx: UInt64 = 0x23
package let DW_FORM_ref_sup8: UInt64 = 0x24
package let DW_FORM_strx1: UInt64 = 0x25
package let DW_FORM_strx2: UInt64 = 0x26
package let DW_FORM_strx3: UInt64 = 0x27
package let DW_FORM_strx4: UInt64 = 0x28
package let DW_FORM_addrx1: UInt64 = 0x29
package let DW_FORM_addrx2: UInt64 = 0x2a
package let DW_FORM_addrx3: UInt64 = 0x2b
package let DW_FORM_addrx4: UInt64 = 0x2c
package let DW_FORM_GNU_addr_index: UInt64 = 0x1f01
package let DW_FORM_GNU_str_index: UInt64 = 0x1f02
package let DW_FORM_GNU_ref_alt: UInt64 = 0x1f20
package let DW_FORM_GNU_strp_alt: UInt64 = 0x1f21

// Range list entries (DWARF 5, 7.25).
package let DW_RLE_end_of_list: UInt8 = 0x00
package let DW_RLE_base_addressx: UInt8 = 0x01
package let DW_RLE_startx_endx: UInt8 = 0x02
package let DW_RLE_startx_length: UInt8 = 0x03
package let DW_RLE_offset_pair: UInt8 = 0x04
package let DW_RLE_base_address: UInt8 = 0x05
package let DW_RLE_start_end: UInt8 = 0x06
package let DW_RLE_start_length: UInt8 = 0x07

// Line number program opcodes.
package let DW_LNS_copy: UInt8 = 0x01
package let DW_LNS_advance_pc: UInt8 = 0x02
package let DW_LNS_advance_line: UInt8 = 0x03
package let DW_LNS_set_file: UInt8 = 0x04
package let DW_LNS_set_column: UInt8 = 0x05
package let DW_LNS_negate_stmt: UInt8 = 0x06
package let DW_LNS_set_basic_block: UInt8 = 0x07
package let DW_LNS_const_add_pc: UInt8 = 0x08
package let DW_LNS_fixed_advance_pc: UInt8 = 0x09
package let DW_LNS_set_prologue_end: UInt8 = 0x0a
package let DW_LNS_set_epilogue_begin: UInt8 = 0x0b
package let DW_LNS_set_isa: UInt8 = 0x0c
package let DW_LNE_end_sequence: UInt8 = 0x01
package let DW_LNE_set_address: UInt8 = 0x02
package let DW_LNE_define_file: UInt8 = 0x03
package let DW_LNE_set_discriminator: UInt8 = 0x04

// Line table header content types (DWARF 5, 6.2.4.1).
package let DW_LNCT_path: UInt64 = 0x1
package let DW_LNCT_directory_index: UInt64 = 0x2
