import { MigrationInterface, QueryRunner } from 'typeorm';
import { TableChangeNotices1795511000000 as TableChangeNotices } from './1795511000000-TableChangeNotices';

// Lists are read from the database on every request now (clients cache them with ETags), so no
// instance listens for table changes any more: the statement triggers that announced them, and
// their function, go — exactly what TableChangeNotices created, undone by its own `down`.
export class DropTableChangeNotices1796290887109 implements MigrationInterface {
  name = 'DropTableChangeNotices1796290887109';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await new TableChangeNotices().down(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await new TableChangeNotices().up(queryRunner);
  }
}
