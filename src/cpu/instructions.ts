/**
 * Loads every instruction family so that its Codes are registered in the dispatch table.
 * Where is instruction X? `npm run isa-table` prints Code -> family; families are files here.
 */
import './alu.js';
import './mov.js';
import './stack.js';
import './control.js';
import './shift.js';
import './muldiv.js';
import './bit.js';
import './string.js';
import './system.js';
import './sse/move.js';
import './sse/int.js';
import './sse/float.js';
import './x87.js';
