process.stdout.write('retail: not built yet\n');
