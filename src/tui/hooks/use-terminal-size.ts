import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Terminal columns and rows, following resizes; fixed values win (tests, benches). */
export function useTerminalSize(fixedWidth?: number, fixedHeight?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: fixedWidth ?? stdout.columns ?? 80, height: fixedHeight ?? stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixedWidth !== undefined && fixedHeight !== undefined) return;
    // A terminal that reflows its lines on a resize leaves Ink's last frame where Ink no longer
    // knows to erase it (the too-small notice drawn twice): start the next frame on a clean screen.
    const onResize = () => {
      stdout.write('\x1b[2J\x1b[H');
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixedWidth, fixedHeight]);
  return fixedWidth !== undefined && fixedHeight !== undefined ? { width: fixedWidth, height: fixedHeight } : size;
}
