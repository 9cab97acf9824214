/* image I/O */
int cc_placeholder_unused;
