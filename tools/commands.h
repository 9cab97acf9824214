/* The CLI's sub-commands. Each takes argv after the command name (argv[0] = command). */
#ifndef CC_TOOLS_COMMANDS_H
#define CC_TOOLS_COMMANDS_H

int cc_cmd_mask(int argc, char **argv);
int cc_cmd_process(int argc, char **argv);
int cc_cmd_denoise(int argc, char **argv);
int cc_cmd_live(int argc, char **argv);

/* Installs a log callback that prints library messages to stderr ("cleancast: ..."). */
void cc_tool_log_init(int verbose);

#endif
