import { manifestJsonSchema } from '../../manifest/json-schema.js';
import { defineCli } from '../command.js';

export const jsonSchemaCommand = defineCli({
  name: 'json-schema',
  description: "Print the manifest's JSON Schema (draft-07), for editors and validators",
  args: {},
  handler: (_args, io) => {
    io.stdout(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    return 0;
  },
});
